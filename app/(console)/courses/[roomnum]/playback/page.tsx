import { PlaybackReview } from '../../../../_components/playback-review';
import { roomnumParam } from '../../../../_lib/params';

export default async function PlaybackPage({ params }: { params: Promise<{ roomnum: string }> }) {
  const { roomnum } = await params;
  return <PlaybackReview roomnum={roomnumParam(roomnum)} />;
}
