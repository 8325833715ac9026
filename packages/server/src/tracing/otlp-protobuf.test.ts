import { describe, expect, it } from 'vitest';
import { exportTraceServiceRequest } from './otlp-proto-schema.js';
import { decodeOtlpProtobuf } from './otlp-protobuf.js';
import { OtlpDecodeError } from './otlp-span.js';

const id = (hex: string) => Buffer.from(hex, 'hex');
const traceId = '0102030405060708090a0b0c0d0e0f10';

/** A request encoded by protobufjs from the OTLP descriptor, independent of the decoder under test. */
function encode(request: Record<string, unknown>): Uint8Array {
  return exportTraceServiceRequest.encode(exportTraceServiceRequest.fromObject(request)).finish();
}

describe('decodeOtlpProtobuf', () => {
  it('reads every span field and every AnyValue kind', () => {
    const body = encode({
      resourceSpans: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'rag-app' } }] },
          scopeSpans: [
            {
              scope: { name: 'scope', version: '1' },
              spans: [
                {
                  traceId: id(traceId),
                  spanId: id('1111111111111111'),
                  parentSpanId: id('2222222222222222'),
                  traceState: 'k=v',
                  name: 'chat',
                  kind: 3,
                  startTimeUnixNano: '1767225600000000001',
                  endTimeUnixNano: '1767225600500000002',
                  attributes: [
                    { key: 's', value: { stringValue: 'text' } },
                    { key: 'b', value: { boolValue: true } },
                    { key: 'i', value: { intValue: -42 } },
                    { key: 'big', value: { intValue: '9007199254740993' } },
                    { key: 'd', value: { doubleValue: 0.25 } },
                    { key: 'bytes', value: { bytesValue: Buffer.from('hi') } },
                    {
                      key: 'list',
                      value: {
                        arrayValue: { values: [{ stringValue: 'a' }, { intValue: 2 }, {}] },
                      },
                    },
                    {
                      key: 'map',
                      value: {
                        kvlistValue: {
                          values: [{ key: 'nested', value: { boolValue: false } }],
                        },
                      },
                    },
                    { key: 'nul\u0000', value: { stringValue: 'a\u0000b' } },
                  ],
                  droppedAttributesCount: 3,
                  events: [
                    {
                      timeUnixNano: '1767225600100000000',
                      name: 'exception',
                      attributes: [{ key: 'exception.type', value: { stringValue: 'Boom' } }],
                    },
                  ],
                  links: [
                    {
                      traceId: id('ffffffffffffffffffffffffffffffff'),
                      spanId: id('3333333333333333'),
                      attributes: [{ key: 'why', value: { stringValue: 'retry' } }],
                    },
                  ],
                  status: { code: 2, message: 'failed' },
                  flags: 1,
                },
                { traceId: id(traceId), spanId: id('4444444444444444'), name: 'root' },
              ],
            },
          ],
        },
      ],
    });
    const [chat, root] = decodeOtlpProtobuf(body);
    expect(chat).toEqual({
      traceId,
      spanId: '1111111111111111',
      parentSpanId: '2222222222222222',
      name: 'chat',
      kind: 3,
      startTimeNs: '1767225600000000001',
      endTimeNs: '1767225600500000002',
      statusCode: 2,
      statusMessage: 'failed',
      attributes: {
        s: 'text',
        b: true,
        i: -42,
        big: '9007199254740993',
        d: 0.25,
        bytes: Buffer.from('hi').toString('base64'),
        list: ['a', 2, null],
        map: { nested: false },
        'nul\uFFFD': 'a\uFFFDb',
      },
      events: [
        {
          name: 'exception',
          timeUnixNano: '1767225600100000000',
          attributes: { 'exception.type': 'Boom' },
        },
      ],
      links: [
        {
          traceId: 'ffffffffffffffffffffffffffffffff',
          spanId: '3333333333333333',
          attributes: { why: 'retry' },
        },
      ],
      resource: { 'service.name': 'rag-app' },
    });
    expect(root).toMatchObject({
      parentSpanId: null,
      startTimeNs: '0',
      endTimeNs: null,
      statusCode: 0,
      attributes: {},
    });
  });

  it('keeps a `__proto__` attribute as data', () => {
    const [span] = decodeOtlpProtobuf(
      encode({
        resourceSpans: [
          {
            scopeSpans: [
              {
                spans: [
                  {
                    traceId: id(traceId),
                    spanId: id('1111111111111111'),
                    name: 'x',
                    attributes: [{ key: '__proto__', value: { kvlistValue: { values: [] } } }],
                  },
                ],
              },
            ],
          },
        ],
      }),
    );
    expect(Object.getPrototypeOf(span!.attributes)).toBe(Object.prototype);
    expect(JSON.stringify(span!.attributes)).toBe('{"__proto__":{}}');
  });

  it('rejects truncated bodies, bad wire types and ids of the wrong length', () => {
    const good = encode({
      resourceSpans: [
        { scopeSpans: [{ spans: [{ traceId: id(traceId), spanId: id('11'), name: 'x' }] }] },
      ],
    });
    expect(() => decodeOtlpProtobuf(good)).toThrow(/span_id must be 8 bytes, got 1/);
    expect(() => decodeOtlpProtobuf(Buffer.from([0x0a, 0xff, 0xff, 0xff, 0x0f, 0x01]))).toThrow(
      OtlpDecodeError,
    );
    expect(() => decodeOtlpProtobuf(Buffer.from([0x0f]))).toThrow(/invalid wire type 7/);
    expect(() => decodeOtlpProtobuf(Buffer.from([0x0a, 0x02, 0x12]))).toThrow(
      /not a valid OTLP ExportTraceServiceRequest/,
    );
    expect(decodeOtlpProtobuf(new Uint8Array())).toEqual([]);
  });
});
