export default function Home() {
  return <main>Classroom server</main>;
}
