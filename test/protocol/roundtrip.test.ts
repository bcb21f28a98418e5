// Round-trip properties for every message in the schemas, at every valid version: arbitrary
// values derived from the generated field tables encode, decode back to equal values, and
// re-encode to identical bytes.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { concatChunks, decodeData, decodeRequest, decodeResponse, encodeData, encodeRequest, encodeResponse } from '../../host/protocol/api.js';
import { coordinatorCodecs } from '../../host/protocol/generated/coordinator/index.js';
import { apis, dataCodecs } from '../../host/protocol/generated/index.js';
import type { MessageCodec } from '../../host/protocol/types.js';
import { messageArb, plain, versionsOf } from './arbitrary.js';

const NUM_RUNS = Number(process.env.KWASM_PROTOCOL_RUNS ?? 12);

const codecs: MessageCodec<unknown>[] = [
  ...apis.flatMap((a) => [a.request, a.response] as MessageCodec<unknown>[]),
  ...(Object.values(dataCodecs) as MessageCodec<unknown>[]),
  ...(Object.values(coordinatorCodecs) as MessageCodec<unknown>[]),
];

function roundTrip(codec: MessageCodec<unknown>, v: number, value: Record<string, unknown>): void {
  const bytes = encodeData(codec, v, value);
  const d = decodeData(codec, v, bytes);
  if (d.error) throw d.error;
  expect(plain(d.value)).toEqual(value);
  expect(plain(encodeData(codec, v, d.value as never))).toEqual(plain(bytes));
}

describe('every message, every version: decode(encode(x)) = x, encode(decode(b)) = b', () => {
  it('covers every schema', () => {
    // 88 APIs x (request, response), 2 headers, 8 data messages, 32 coordinator records.
    expect(codecs.length).toBe(apis.length * 2 + Object.keys(dataCodecs).length + Object.keys(coordinatorCodecs).length);
    expect(apis.length).toBeGreaterThanOrEqual(88);
    expect(Object.keys(coordinatorCodecs).length).toBe(32);
  });

  for (const codec of codecs) {
    describe(codec.name, () => {
      for (const v of versionsOf(codec.schema)) {
        it(`v${v}`, () => {
          fc.assert(
            fc.property(messageArb(codec.schema, v), (value) => roundTrip(codec, v, value)),
            { numRuns: NUM_RUNS },
          );
        });
      }
    });
  }
});

describe('full frames: header + body through decodeRequest / decodeResponse', () => {
  for (const api of apis) {
    it(`${api.name} (key ${api.apiKey}) v${api.minVersion}-${api.maxVersion}`, () => {
      for (let v = api.minVersion; v <= api.maxVersion; v++) {
        const hv = api.requestHeaderVersions[v - api.minVersion]!;
        fc.assert(
          fc.property(
            messageArb(api.request.schema, v, { maxArray: 1 }),
            messageArb(api.response.schema, v, { maxArray: 1 }),
            fc.integer(),
            fc.option(fc.string({ maxLength: 12 }), { nil: null }),
            (req, res, correlationId, clientId) => {
              const header = {
                requestApiKey: api.apiKey,
                requestApiVersion: v,
                correlationId,
                clientId: hv >= 1 ? clientId : '', // header v0 has no client id: its default is ''
                unknownTaggedFields: [],
              };
              const frame = concatChunks(encodeRequest(header as never, req as never));
              const d = decodeRequest(frame);
              if (d.error) throw d.error;
              expect(d.apiKey).toBe(api.apiKey);
              expect(d.apiVersion).toBe(v);
              expect(d.correlationId).toBe(correlationId);
              expect(d.header.clientId).toBe(header.clientId);
              expect(plain(d.body)).toEqual(req);
              expect(plain(concatChunks(encodeRequest(d.header as never, d.body as never)))).toEqual(plain(frame));

              const out = concatChunks(encodeResponse(api.apiKey, v, correlationId, res as never));
              const r = decodeResponse(api.apiKey, v, out);
              if (r.error) throw r.error;
              expect(r.header.correlationId).toBe(correlationId);
              expect(plain(r.body)).toEqual(res);
            },
          ),
          { numRuns: 3 },
        );
      }
    });
  }
});
