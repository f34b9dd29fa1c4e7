// @ts-check
/**
 * Next.js config. Security headers are set here for every page; the legacy door (/index.php) sets its own CORS
 * headers because mobile clients and browsers on other origins call it.
 */
const isProd = process.env.NODE_ENV === 'production';

const csp = [
  "default-src 'self'",
  // Next's App Router bootstraps with inline scripts; 'unsafe-eval' only in development (React refresh needs it).
  `script-src 'self' 'unsafe-inline'${isProd ? '' : " 'unsafe-eval'"}`,
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob: https: http:",
  "media-src 'self' blob: https: http:",
  "connect-src 'self' https: http:",
  "frame-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** @type {import('next').NextConfig} */
const nextConfig = {
  poweredByHeader: false,
  reactStrictMode: true,
  serverExternalPackages: [
    'better-sqlite3',
    'pino',
    'tls-sig-api-v2',
    'cos-nodejs-sdk-v5',
    'tencentcloud-sdk-nodejs-vod',
  ],
  // `POST /?svc=…&cmd=…` (a 2017 web demo's bare base URL) is the legacy protocol, as server/main.ts routes it.
  // beforeFiles: the dashboard page at `/` would match first otherwise. Rewrites cannot match a method, so under
  // `next start` a GET /?svc=… also gets the protocol's JSON (10001 "use POST"); GET / without svc stays the console.
  async rewrites() {
    return {
      beforeFiles: [{ source: '/', has: [{ type: 'query', key: 'svc' }], destination: '/index.php' }],
      afterFiles: [],
      fallback: [],
    };
  },
  async headers() {
    return [
      {
        source: '/:path*',
        headers: [
          { key: 'Content-Security-Policy', value: csp },
          { key: 'X-Content-Type-Options', value: 'nosniff' },
          { key: 'Referrer-Policy', value: 'strict-origin-when-cross-origin' },
          { key: 'X-Frame-Options', value: 'DENY' },
          { key: 'Permissions-Policy', value: 'camera=(), microphone=(), geolocation=()' },
        ],
      },
    ];
  },
};

module.exports = nextConfig;
