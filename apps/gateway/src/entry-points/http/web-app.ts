import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import express, { Router, type RequestHandler } from 'express';
import { AppError } from '@concert/service-kit';

/**
 * The fans' and operators' web app (apps/web, built into dist/apps/web), served at `/` on the
 * API's origin so the app needs no CORS and its token never leaves the origin. Its responses
 * carry a strict Content-Security-Policy: scripts, styles and calls from this origin only, no
 * inline script, no framing, and Trusted Types so no string can reach an HTML sink.
 */
export const WEB_APP_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "font-src 'self'",
    "manifest-src 'self'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "require-trusted-types-for 'script'",
    "trusted-types 'none'",
  ].join('; '),
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()',
  // Ignored over plain HTTP; in force wherever TLS terminates in front of the gateway.
  'Strict-Transport-Security': 'max-age=31536000; includeSubDomains',
};

/** dist/apps/web next to the gateway's own bundle, or under the working directory (tests run from src). */
export function webAppDir(): string | undefined {
  const candidates = [process.env.WEB_APP_DIR, resolve(__dirname, '../web'), resolve(process.cwd(), 'dist/apps/web')];
  return candidates.find((d): d is string => !!d && existsSync(resolve(d, 'index.html')));
}

export function webAppRoutes(dir = webAppDir()): Router {
  const r = Router();
  const headers: RequestHandler = (_req, res, next) => {
    for (const [k, v] of Object.entries(WEB_APP_HEADERS)) res.setHeader(k, v);
    next();
  };
  if (!dir) {
    r.get(['/', '/index.html'], () => {
      throw new AppError('NOT_FOUND', 'The web app is not built: run `npx nx run web:build`');
    });
    return r;
  }
  // index.html is revalidated every time; the assets it names carry a content hash, so they never change.
  r.get(['/', '/index.html'], headers, (_req, res) => {
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(resolve(dir, 'index.html'));
  });
  r.use(
    '/assets',
    headers,
    express.static(resolve(dir, 'assets'), {
      index: false,
      etag: true,
      immutable: true,
      maxAge: '365d',
      dotfiles: 'ignore',
    }),
    (req) => {
      throw new AppError('NOT_FOUND', `No asset ${req.path}`);
    },
  );
  return r;
}
