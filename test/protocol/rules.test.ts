// Kafka's schema rules as the codecs apply them: fields a version lacks (ignorable or not), null
// only where allowed, tagged fields (written only when non-default, unknown ones preserved in tag
// order), header versions, zero-copy byte fields, and encode-side value validation.
import { describe, expect, it } from 'vitest';
import {
  concatChunks,
  decodeData,
  decodeRequest,
  decodeResponse,
  encodeData,
  encodeRequest,
  encodeResponse,
} from '../../host/protocol/api.js';
import { ProtocolDecodeError, ProtocolEncodeError } from '../../host/protocol/errors.js';
import { ApiKey, apiEntry, apis, dataCodecs } from '../../host/protocol/generated/index.js';
import { codec as FetchResponseCodec } from '../../host/protocol/generated/FetchResponse.js';
import type { FieldSchema, MessageCodec, MessageSchema } from '../../host/protocol/types.js';
import { defaultValue } from './arbitrary.js';

const hex = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');
const bytes = (h: string): Uint8Array => Uint8Array.from(Buffer.from(h.replace(/\s+/g, ''), 'hex'));

function encodeError(f: () => unknown): ProtocolEncodeError {
  try {
    f();
  } catch (e) {
    if (e instanceof ProtocolEncodeError) return e;
    throw e;
  }
  throw new Error('expected a ProtocolEncodeError');
}

describe('fields a version lacks (Kafka: error unless ignorable)', () => {
  it('non-ignorable: FetchResponse.sessionId (7+) at v6 is an error; its default is fine', () => {
    const e = encodeError(() => encodeResponse(ApiKey.Fetch, 6, 1, { sessionId: 5 }));
    expect(e.code).toBe('NON_DEFAULT_FIELD');
    expect(e.path).toBe('FetchResponse.sessionId');
    expect(e.version).toBe(6);
    expect(() => encodeResponse(ApiKey.Fetch, 6, 1, { sessionId: 0 })).not.toThrow();
    expect(() => encodeResponse(ApiKey.Fetch, 7, 1, { sessionId: 5 })).not.toThrow();
  });

  it('ignorable: FetchResponse.throttleTimeMs (1+) at v0 is dropped silently', () => {
    const a = concatChunks(encodeResponse(ApiKey.Fetch, 0, 1, { throttleTimeMs: 250, responses: [] }));
    const b = concatChunks(encodeResponse(ApiKey.Fetch, 0, 1, { responses: [] }));
    expect(hex(a)).toBe(hex(b));
    const d = decodeResponse(ApiKey.Fetch, 0, a);
    expect(d.error).toBeUndefined();
    expect(d.error === undefined && d.body.throttleTimeMs).toBe(0);
  });

  it('tagged fields out of their versions: non-ignorable nodeEndpoints at v15 errors, ignorable clusterId at v11 is dropped', () => {
    const e = encodeError(() => encodeResponse(ApiKey.Fetch, 15, 1, { nodeEndpoints: [{ nodeId: 1, host: 'h', port: 1 }] }));
    expect(e.code).toBe('NON_DEFAULT_FIELD');
    expect(e.path).toBe('FetchResponse.nodeEndpoints');
    const r = encodeRequest({ requestApiKey: ApiKey.Fetch, requestApiVersion: 11, correlationId: 1, clientId: 'c' }, { clusterId: 'cluster' });
    const d = decodeRequest(concatChunks(r));
    expect(d.error).toBeUndefined();
    expect(d.apiKey === ApiKey.Fetch && d.body.clusterId).toBe(null);
    // FetchRequest.replicaState (tagged, 15+, not ignorable): a non-default struct at v14 errors.
    const e2 = encodeError(() =>
      encodeRequest({ requestApiKey: ApiKey.Fetch, requestApiVersion: 14, correlationId: 1, clientId: 'c' }, { replicaState: { replicaId: 3 } }),
    );
    expect(e2.path).toBe('FetchRequest.replicaState');
  });

  // The rule, checked on every top-level field of every message at every version it lacks.
  function nonDefaultValue(schema: MessageSchema, f: FieldSchema): unknown {
    const d = defaultValue(schema, f);
    switch (f.type) {
      case 'bool':
        return !d;
      case 'int64':
        return (d as bigint) + 1n;
      case 'int8':
      case 'int16':
      case 'int32':
      case 'uint16':
      case 'uint32':
      case 'float64':
        return (d as number) === 1 ? 2 : 1;
      case 'uuid':
        return 'AAAAAAAAAAAAAAAAAAAAAQ';
      case 'string':
        return d === 'x' ? 'y' : 'x';
      case 'bytes':
      case 'records':
        return new Uint8Array([1]);
      case 'array':
        return d === null ? [] : [f.element === 'struct' ? {} : defaultValue(schema, { ...f, type: f.element! } as FieldSchema)];
      case 'struct': {
        if (d === null) return {};
        const inner = schema.structs[f.struct!]!.fields.find((x) => x.type === 'int32' || x.type === 'int16' || x.type === 'int64');
        if (!inner) return undefined;
        return { [inner.name]: nonDefaultValue(schema, inner) };
      }
    }
  }

  const codecs: MessageCodec<unknown>[] = [...apis.flatMap((a) => [a.request, a.response] as MessageCodec<unknown>[]), ...(Object.values(dataCodecs) as MessageCodec<unknown>[])];
  it('every message: a non-default value in a lacking field throws iff the field is not ignorable', () => {
    let errors = 0;
    let dropped = 0;
    for (const codec of codecs) {
      const schema = codec.schema;
      const root = schema.structs[schema.name]!;
      for (let v = schema.validVersions[0]; v <= schema.validVersions[1]; v++) {
        for (const f of root.fields) {
          if (v >= f.versions[0] && v <= f.versions[1]) continue;
          const value = nonDefaultValue(schema, f);
          if (value === undefined) continue;
          const run = (): Uint8Array => encodeData(codec, v, { [f.name]: value });
          if (f.ignorable) {
            expect(hex(run()), `${schema.name}.${f.name} v${v}`).toBe(hex(encodeData(codec, v, {})));
            dropped++;
          } else {
            const e = encodeError(run);
            expect(e.code, `${schema.name}.${f.name} v${v}`).toBe('NON_DEFAULT_FIELD');
            errors++;
          }
        }
      }
    }
    expect(errors).toBeGreaterThan(100);
    expect(dropped).toBeGreaterThan(100);
  });
});

describe('nullability', () => {
  it('null only in nullable versions (MetadataRequest.topics: 1+)', () => {
    const e = encodeError(() => encodeRequest({ requestApiKey: ApiKey.Metadata, requestApiVersion: 0, correlationId: 1, clientId: null }, { topics: null }));
    expect(e.code).toBe('NULL_NOT_ALLOWED');
    const ok = decodeRequest(concatChunks(encodeRequest({ requestApiKey: ApiKey.Metadata, requestApiVersion: 1, correlationId: 1, clientId: null }, { topics: null })));
    expect(ok.apiKey === ApiKey.Metadata && ok.body.topics).toBe(null);
    expect(ok.error === undefined && ok.header.clientId).toBe(null);
  });

  it('a null length on the wire where the version does not allow it is a decode error', () => {
    // MetadataRequest v0: header v1 (key 3, version 0, correlation 9, client id null), topics = -1.
    const d = decodeRequest(bytes('0003 0000 00000009 ffff ffffffff'));
    expect(d.error?.code).toBe('NULL_NOT_ALLOWED');
    expect(d.error?.path).toBe('topics');
    expect(d.error?.correlationId).toBe(9);
  });
});

describe('tagged fields', () => {
  const node = { nodeId: 1, host: 'h', port: 9 };
  // FetchResponse v16, no responses: throttle(4) error(2) session(4) responses(compact, empty) tags.
  const prefix = '00000000 0000 00000000 01';
  // nodeEndpoints content: [1 element] nodeId=1 host="h" port=9 rack=null no-tags.
  const nodeEndpoints = '02 00000001 0268 00000009 00 00';

  it('known tagged fields are written only when not default, in tag order with unknown ones', () => {
    const body = FetchResponseCodec;
    const empty = encodeData(body, 16, {});
    expect(hex(empty)).toBe(hex(bytes(`${prefix} 00`)));
    const withTags = encodeData(body, 16, {
      nodeEndpoints: [node],
      unknownTaggedFields: [
        { tag: 2, data: new Uint8Array([0xaa]) },
        { tag: 9, data: new Uint8Array([]) },
      ],
    });
    expect(hex(withTags)).toBe(hex(bytes(`${prefix} 03  00 0d ${nodeEndpoints}  02 01 aa  09 00`)));
    const d = decodeData(body, 16, withTags);
    if (d.error) throw d.error;
    expect(d.value.nodeEndpoints).toEqual([{ ...node, rack: null, unknownTaggedFields: [] }]);
    expect(d.value.unknownTaggedFields.map((t) => [t.tag, hex(t.data)])).toEqual([
      [2, 'aa'],
      [9, ''],
    ]);
    expect(hex(encodeData(body, 16, d.value))).toBe(hex(withTags));
  });

  it('decoding accepts tags in any order (as Kafka does) and keeps unknown ones sorted', () => {
    const d = decodeData(FetchResponseCodec, 16, bytes(`${prefix} 03 05 01 aa 02 00 00 0d ${nodeEndpoints}`));
    if (d.error) throw d.error;
    expect(d.value.unknownTaggedFields.map((t) => t.tag)).toEqual([2, 5]);
    expect(d.value.nodeEndpoints).toHaveLength(1);
    // Written back in ascending order.
    expect(hex(encodeData(FetchResponseCodec, 16, d.value))).toBe(hex(bytes(`${prefix} 03 00 0d ${nodeEndpoints} 02 00 05 01 aa`)));
  });

  it('decoding rejects duplicate tags, tags a version lacks, and size mismatches', () => {
    const codes = (h: string): string | undefined => {
      const d = decodeData(FetchResponseCodec, 16, bytes(h));
      return d.error?.code;
    };
    expect(codes(`${prefix} 02 05 00 05 00`)).toBe('INVALID_TAGGED_FIELD');
    expect(codes(`${prefix} 02 00 0d ${nodeEndpoints} 00 0d ${nodeEndpoints}`)).toBe('INVALID_TAGGED_FIELD');
    expect(codes(`${prefix} 01 00 0e ${nodeEndpoints} 00`)).toBe('INVALID_TAGGED_FIELD'); // declared 14, content 13
    expect(codes(`${prefix} 01 00 0c ${nodeEndpoints}`)).toBeDefined(); // declared 12: content overruns
    // Tag 0 is nodeEndpoints from v16; at v12 it is invalid (as in Kafka's generated readers).
    expect(decodeData(FetchResponseCodec, 12, bytes(`${prefix} 01 00 0d ${nodeEndpoints}`)).error?.code).toBe('INVALID_TAGGED_FIELD');
    expect(decodeData(FetchResponseCodec, 16, bytes(`${prefix} 01 00 0d ${nodeEndpoints}`)).error).toBeUndefined();
  });

  it('encoding rejects unsorted, duplicate or known-colliding unknown tags, and tags in non-flexible versions', () => {
    const data = new Uint8Array([1]);
    for (const tags of [
      [{ tag: 3, data }, { tag: 2, data }],
      [{ tag: 3, data }, { tag: 3, data }],
      [{ tag: 0, data }],
    ]) {
      expect(encodeError(() => encodeData(FetchResponseCodec, 16, { unknownTaggedFields: tags })).code).toBe('INVALID_TAGGED_FIELDS');
    }
    expect(encodeError(() => encodeData(FetchResponseCodec, 11, { unknownTaggedFields: [{ tag: 5, data }] })).code).toBe('INVALID_TAGGED_FIELDS');
  });

  it('request header v2 keeps unknown tagged fields; the client id stays a non-compact string', () => {
    const header = {
      requestApiKey: ApiKey.ApiVersions,
      requestApiVersion: 3,
      correlationId: 5,
      clientId: 'kc',
      unknownTaggedFields: [{ tag: 7, data: new Uint8Array([1, 2]) }],
    };
    const frame = concatChunks(encodeRequest(header, { clientSoftwareName: 'n', clientSoftwareVersion: '1' }));
    // key 18, v3, correlation 5, client id int16-length "kc", 1 tag (7, 2 bytes), body.
    expect(hex(frame)).toBe(hex(bytes('0012 0003 00000005 0002 6b63 01 07 02 0102  02 6e 02 31 00')));
    const d = decodeRequest(frame);
    if (d.error) throw d.error;
    expect(d.header.unknownTaggedFields.map((t) => t.tag)).toEqual([7]);
    expect(hex(concatChunks(encodeRequest(d.header as never, d.body as never)))).toBe(hex(frame));
  });
});

describe('header versions', () => {
  it('request header: v2 for flexible versions, v1 otherwise, v0 for ControlledShutdown v0', () => {
    const cs = apiEntry(ApiKey.ControlledShutdown);
    expect(cs.requestHeaderVersions).toEqual([0, 1, 1, 2]);
    expect(cs.responseHeaderVersions).toEqual([0, 0, 0, 1]);
    const produce = apiEntry(ApiKey.Produce);
    expect(produce.requestHeaderVersions[9 - produce.minVersion]).toBe(2);
    expect(produce.requestHeaderVersions[8 - produce.minVersion]).toBe(1);
    for (const a of apis) {
      for (let v = a.minVersion; v <= a.maxVersion; v++) {
        const flex = a.flexibleVersions !== null && v >= a.flexibleVersions[0];
        if (a.apiKey !== ApiKey.ControlledShutdown || v > 0) expect(a.requestHeaderVersions[v - a.minVersion]).toBe(flex ? 2 : 1);
        if (a.apiKey !== ApiKey.ApiVersions) expect(a.responseHeaderVersions[v - a.minVersion]).toBe(flex ? 1 : 0);
      }
    }
  });

  it('ApiVersions responses always use response header v0', () => {
    const api = apiEntry(ApiKey.ApiVersions);
    expect(api.responseHeaderVersions.every((h) => h === 0)).toBe(true);
    const out = concatChunks(encodeResponse(ApiKey.ApiVersions, 3, 0x01020304, { errorCode: 35, apiKeys: [] }));
    // correlation id, then the body straight away (no header tagged fields): error 35, empty array.
    expect(hex(out.subarray(0, 8))).toBe('01020304' + '0023' + '01' + '00');
  });

  it('ControlledShutdown v0 requests have no client id', () => {
    const frame = bytes('0007 0000 0000002a 00000003');
    const d = decodeRequest(frame);
    if (d.error) throw d.error;
    expect(d.apiKey).toBe(ApiKey.ControlledShutdown);
    expect(d.correlationId).toBe(42);
    expect(d.apiKey === ApiKey.ControlledShutdown && d.body.brokerId).toBe(3);
  });

  it('unknown API keys and versions are typed errors that keep the header fields', () => {
    const unknown = decodeRequest(bytes('03e8 0000 00000007'));
    expect(unknown.error).toBeInstanceOf(ProtocolDecodeError);
    expect(unknown.error?.code).toBe('UNKNOWN_API_KEY');
    expect(unknown.error?.apiKey).toBe(1000);
    expect(unknown.error?.correlationId).toBe(7);
    // A client asking ApiVersions v99: the broker answers v0 with UNSUPPORTED_VERSION.
    const tooNew = decodeRequest(bytes('0012 0063 0000000b 0000 00'));
    expect(tooNew.error?.code).toBe('UNSUPPORTED_VERSION');
    expect(tooNew.error?.apiKey).toBe(18);
    expect(tooNew.error?.apiVersion).toBe(99);
    expect(tooNew.error?.correlationId).toBe(11);
    expect(decodeRequest(bytes('00')).error?.code).toBe('TRUNCATED');
    expect(decodeRequest(new Uint8Array(0)).error?.code).toBe('TRUNCATED');
  });
});

describe('bounded decoding', () => {
  it('a length of 2^31-1 in a 20-byte frame is an error, not an allocation', () => {
    // MetadataRequest v1 (client id null): topics count 0x7fffffff, then 6 bytes.
    const f = bytes('0003 0001 00000001 ffff 7fffffff 000000000000');
    expect(f.length).toBe(20);
    const t = performance.now();
    const d = decodeRequest(f);
    expect(performance.now() - t).toBeLessThan(50);
    expect(d.error?.code).toBe('INVALID_LENGTH');
    expect(d.error?.path).toBe('topics');
    // Same for a string length (client id 0x7fff) and a compact count (varint 2^32-1).
    expect(decodeRequest(bytes('0003 0001 00000001 7fff 00000000')).error?.code).toBe('INVALID_LENGTH');
    expect(decodeRequest(bytes('0003 0009 00000001 ffff 00 ffffffff0f')).error?.code).toBe('INVALID_LENGTH');
    // A varint longer than 5 bytes / over 32 bits.
    expect(decodeRequest(bytes('0003 0009 00000001 ffff 00 ffffffffff01')).error?.code).toBe('INVALID_VARINT');
    // A huge tagged-field count.
    expect(decodeRequest(bytes('0003 0009 00000001 ffff ffffff7f')).error?.code).toBe('INVALID_LENGTH');
  });

  it('array counts are bounded by the smallest element size', () => {
    // Metadata v1 topics: 3 elements of >= 2 bytes each cannot fit in 4 bytes.
    expect(decodeRequest(bytes('0003 0001 00000001 ffff 00000003 00000000')).error?.code).toBe('INVALID_LENGTH');
    expect(decodeRequest(bytes('0003 0001 00000001 ffff 00000002 0000 0000')).error).toBeUndefined();
  });

  it('never reads past the frame view, whatever the underlying buffer holds', () => {
    const frame = concatChunks(
      encodeRequest({ requestApiKey: ApiKey.Metadata, requestApiVersion: 1, correlationId: 1, clientId: 'abc' }, { topics: [{ name: 'topic' }] }),
    );
    const big = new Uint8Array(frame.length + 100).fill(0x41);
    big.set(frame, 10);
    const view = big.subarray(10, 10 + frame.length);
    expect(decodeRequest(view).error).toBeUndefined();
    for (let cut = 0; cut < frame.length; cut++) {
      const d = decodeRequest(view.subarray(0, cut));
      expect(d.error, `cut at ${cut}`).toBeInstanceOf(ProtocolDecodeError);
    }
    expect(decodeRequest(big.subarray(10, 11 + frame.length)).error?.code).toBe('TRAILING_BYTES');
  });

  it('errors name the API, version and field path', () => {
    const rec = new Uint8Array([1, 2, 3]);
    const frame = concatChunks(
      encodeRequest(
        { requestApiKey: ApiKey.Produce, requestApiVersion: 8, correlationId: 3, clientId: 'p' },
        { acks: 1, timeoutMs: 10, topicData: [{ name: 't', partitionData: [{ index: 0, records: rec }, { index: 1, records: rec }] }] },
      ),
    );
    // Corrupt the second partition's records length (the last 7 bytes: int32 length + 3 bytes).
    const bad = frame.slice();
    new DataView(bad.buffer).setInt32(bad.length - 7, 1000);
    const d = decodeRequest(bad);
    expect(d.error?.code).toBe('INVALID_LENGTH');
    expect(d.error?.path).toBe('topicData[0].partitionData[1].records');
    expect(d.error?.apiKey).toBe(0);
    expect(d.error?.apiVersion).toBe(8);
    expect(d.error?.message).toContain('ProduceRequest v8 at topicData[0].partitionData[1].records');
  });
});

describe('zero copy', () => {
  it('decoded records and bytes are views of the frame', () => {
    const rec = new Uint8Array(1000).fill(5);
    const frame = concatChunks(
      encodeRequest(
        { requestApiKey: ApiKey.Produce, requestApiVersion: 9, correlationId: 3, clientId: 'p' },
        { acks: -1, timeoutMs: 10, topicData: [{ name: 't', partitionData: [{ index: 0, records: rec }] }] },
      ),
    );
    const d = decodeRequest(frame);
    if (d.error || d.apiKey !== ApiKey.Produce) throw new Error('decode failed');
    const r = d.body.topicData[0]!.partitionData[0]!.records!;
    expect(r.buffer).toBe(frame.buffer);
    expect(r.byteOffset).toBeGreaterThanOrEqual(frame.byteOffset);
    expect(r.byteOffset + r.length).toBeLessThanOrEqual(frame.byteOffset + frame.length);
    expect(hex(r)).toBe(hex(rec));
    const sasl = decodeRequest(
      concatChunks(encodeRequest({ requestApiKey: ApiKey.SaslAuthenticate, requestApiVersion: 2, correlationId: 1, clientId: null }, { authBytes: new Uint8Array([1, 2]) })),
    );
    if (sasl.error || sasl.apiKey !== ApiKey.SaslAuthenticate) throw new Error('decode failed');
    expect(hex(sasl.body.authBytes)).toBe('0102');
  });

  it('encoded records are output chunks holding the caller’s own buffers', () => {
    const r1 = new Uint8Array(4096).fill(1);
    const r2 = new Uint8Array(10).fill(2);
    const chunks = encodeResponse(ApiKey.Fetch, 12, 1, {
      responses: [{ topic: 't', partitions: [{ partitionIndex: 0, records: r1 }, { partitionIndex: 1, records: r2 }, { partitionIndex: 2, records: new Uint8Array(0) }, { partitionIndex: 3, records: null }] }],
    });
    expect(chunks.filter((c) => c === r1 || c === r2)).toHaveLength(2);
    expect(chunks.indexOf(r1)).toBeLessThan(chunks.indexOf(r2));
    // The non-record chunks are views of one allocation.
    const inline = chunks.filter((c) => c !== r1 && c !== r2);
    expect(new Set(inline.map((c) => c.buffer)).size).toBe(1);
    const d = decodeResponse(ApiKey.Fetch, 12, concatChunks(chunks));
    if (d.error) throw d.error;
    const parts = d.body.responses[0]!.partitions;
    expect(parts.map((p) => p.records?.length ?? null)).toEqual([4096, 10, 0, null]);
  });
});

describe('encode-side validation', () => {
  const enc = (body: object): (() => unknown) => () => encodeResponse(ApiKey.Fetch, 12, 1, body as never);
  it('rejects out-of-range numbers, wrong JS types, bad UUIDs and overlong strings', () => {
    expect(encodeError(enc({ throttleTimeMs: 2 ** 31 })).code).toBe('INVALID_VALUE');
    expect(encodeError(enc({ errorCode: 40000 })).code).toBe('INVALID_VALUE');
    expect(encodeError(enc({ throttleTimeMs: 1.5 })).code).toBe('INVALID_VALUE');
    expect(encodeError(enc({ responses: [{ partitions: [{ highWatermark: 5 }] }] })).code).toBe('INVALID_VALUE');
    expect(encodeError(enc({ responses: [{ partitions: [{ highWatermark: 2n ** 63n }] }] })).code).toBe('INVALID_VALUE');
    expect(encodeError(() => encodeResponse(ApiKey.Fetch, 13, 1, { responses: [{ topicId: 'not-a-uuid' }] })).code).toBe('INVALID_VALUE');
    expect(encodeError(enc({ responses: [{ topic: 'x'.repeat(32768) }] })).code).toBe('STRING_TOO_LONG');
    expect(encodeError(() => encodeResponse(ApiKey.Fetch, 99, 1, {})).code).toBe('UNSUPPORTED_VERSION');
    expect(encodeError(() => encodeResponse(77777 as never, 0, 1, {} as never)).code).toBe('UNKNOWN_API_KEY');
  });

  it('int64 fields carry the full range', () => {
    for (const hw of [-(2n ** 63n), 2n ** 63n - 1n, -1n, 2n ** 53n + 1n]) {
      const d = decodeResponse(ApiKey.Fetch, 12, concatChunks(encodeResponse(ApiKey.Fetch, 12, 1, { responses: [{ partitions: [{ highWatermark: hw }] }] })));
      if (d.error) throw d.error;
      expect(d.body.responses[0]!.partitions[0]!.highWatermark).toBe(hw);
    }
  });

  it('strings: UTF-8 in compact and int16-length forms, long and short', () => {
    for (const name of ['', 'a', 'héllo', '日本語のトピック', '😀'.repeat(30), 'x'.repeat(200), 'é'.repeat(100)]) {
      for (const v of [8, 9]) {
        const d = decodeRequest(
          concatChunks(encodeRequest({ requestApiKey: ApiKey.Metadata, requestApiVersion: v, correlationId: 1, clientId: name }, { topics: [{ name }] })),
        );
        if (d.error || d.apiKey !== ApiKey.Metadata) throw d.error ?? new Error('wrong api');
        expect(d.header.clientId).toBe(name);
        expect(d.body.topics![0]!.name).toBe(name);
      }
    }
    // A lone surrogate is written as U+FFFD (what TextEncoder/Buffer produce), with a matching size.
    const d = decodeRequest(concatChunks(encodeRequest({ requestApiKey: ApiKey.Metadata, requestApiVersion: 9, correlationId: 1, clientId: 'c' }, { topics: [{ name: 'a\ud800b' }] })));
    expect(d.apiKey === ApiKey.Metadata && d.body.topics![0]!.name).toBe('a\ufffdb');
  });
});
