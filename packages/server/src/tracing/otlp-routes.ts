import { promisify } from 'node:util';
import { gunzip, inflate } from 'node:zlib';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { CairnError, invalidParameter } from '../errors.js';
import { recordIngestion } from '../observability/index.js';
import { encodeOtlpProtobufResponse } from './otlp-proto-schema.js';
import { OtlpDecodeError } from './otlp-span.js';
import type { TraceService } from './trace-service.js';

const gunzipAsync = promisify(gunzip);
const inflateAsync = promisify(inflate);
/** Largest decompressed OTLP body; guards against compression bombs. */
const maxInflatedBytes = 256 * 1024 * 1024;

/**
 * OTLP/HTTP trace ingestion at `POST /v1/traces`: protobuf (`application/x-protobuf`) or JSON
 * (`application/json`) ExportTraceServiceRequest, optionally gzip- or deflate-encoded. The
 * experiment comes from `x-mlflow-experiment-id` (default "0"). The whole request is written in
 * one transaction, so a failure never leaves half a batch; the answer is an
 * ExportTraceServiceResponse in the request's encoding.
 */
export function registerOtlpRoutes(app: FastifyInstance, service: TraceService): void {
  app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) =>
      done(null, body),
    );
    scope.post('/v1/traces', async (request, reply) => {
      const contentType = mediaType(request);
      const isProtobuf =
        contentType === 'application/x-protobuf' || contentType === 'application/protobuf';
      if (!isProtobuf && contentType !== 'application/json') {
        throw new CairnError(
          'BAD_REQUEST',
          `Unsupported Content-Type '${contentType}'; OTLP/HTTP takes application/x-protobuf or application/json.`,
        );
      }
      const body = await decompressed(request);
      if (body.length === 0) throw invalidParameter('The OTLP request body is empty.');
      const header = request.headers['x-mlflow-experiment-id'];
      const experimentId = (Array.isArray(header) ? header[0] : header)?.trim() || '0';
      let stored: number;
      try {
        stored = await service.ingestOtlp(experimentId, body, isProtobuf ? 'protobuf' : 'json');
      } catch (error) {
        if (error instanceof OtlpDecodeError) throw invalidParameter(error.message);
        throw error;
      }
      recordIngestion(request, 'spans', stored);
      return respond(reply, isProtobuf);
    });
  });
}

function respond(reply: FastifyReply, isProtobuf: boolean) {
  if (isProtobuf) {
    return reply.type('application/x-protobuf').send(Buffer.from(encodeOtlpProtobufResponse()));
  }
  return reply.type('application/json').send({});
}

function mediaType(request: FastifyRequest): string {
  return (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
}

async function decompressed(request: FastifyRequest): Promise<Buffer> {
  const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
  const encoding = (request.headers['content-encoding'] ?? 'identity')
    .toString()
    .trim()
    .toLowerCase();
  try {
    if (encoding === 'gzip' || encoding === 'x-gzip') {
      return await gunzipAsync(raw, { maxOutputLength: maxInflatedBytes });
    }
    if (encoding === 'deflate')
      return await inflateAsync(raw, { maxOutputLength: maxInflatedBytes });
  } catch (error) {
    throw invalidParameter(
      `Could not decompress the ${encoding} request body: ${(error as Error).message}`,
    );
  }
  if (encoding !== 'identity' && encoding !== '') {
    throw invalidParameter(
      `Unsupported Content-Encoding '${encoding}'; use gzip, deflate or none.`,
    );
  }
  return raw;
}
