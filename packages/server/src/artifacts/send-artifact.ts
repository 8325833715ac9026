import { Readable, Transform, type TransformCallback } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { invalidParameter } from '../errors.js';
import { artifactBasename } from './artifact-path.js';
import type { ArtifactRepository } from './artifact-repository.js';
import { guessContentType } from './content-type.js';

/**
 * Streams the file at `path` as a download. Always an attachment with `nosniff`, so an uploaded
 * HTML or SVG file can never run in the server's origin (MLflow's XSS fix).
 */
export async function sendArtifact(
  reply: FastifyReply,
  repository: ArtifactRepository,
  path: string,
): Promise<FastifyReply> {
  const { body, size } = await repository.get(path);
  const name = artifactBasename(path);
  return reply
    .header('Content-Type', guessContentType(name))
    .header('Content-Length', size)
    .header('Content-Disposition', attachmentDisposition(name))
    .header('X-Content-Type-Options', 'nosniff')
    .send(body);
}

/**
 * `attachment; filename=<name>` as MLflow sends it when the name is a plain token; otherwise a
 * quoted ASCII fallback plus the RFC 5987 `filename*` form, since raw non-ASCII or quote
 * characters are not valid in a header.
 */
export function attachmentDisposition(name: string): string {
  if (/^[!#$&+\-.^_`|~0-9A-Za-z]+$/.test(name)) return `attachment; filename=${name}`;
  const fallback = name.replace(/[^\x20-\x7e]|["\\]/g, '_');
  const encoded = encodeURIComponent(name).replace(
    /['()*]/g,
    (character) => `%${character.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}

/** The raw request body as a stream (the artifact scope's content-type parser passes it through). */
export function requestBodyStream(request: FastifyRequest): Readable {
  const body = request.body;
  if (body instanceof Readable) return body;
  // No body at all (no Content-Length, no chunks): an empty file.
  return Readable.from([]);
}

/** Passes bytes through, failing with INVALID_PARAMETER_VALUE once more than `limit` have passed. */
export function byteLimit(limit: number, message: string): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      seen += chunk.length;
      if (seen > limit) callback(invalidParameter(message));
      else callback(null, chunk);
    },
  });
}
