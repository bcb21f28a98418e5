// kwasm's Kafka protocol layer: codecs generated from Kafka's JSON schemas (./generated), a
// bounded reader, a chunked writer, and the frame-level API. No I/O here: the network layer
// frames bytes, handlers work on typed messages.
export {
  chunksSize,
  concatChunks,
  decodeData,
  decodeRequest,
  decodeResponse,
  encodeData,
  encodeRequest,
  encodeResponse,
  withSizePrefix,
  type DecodedRequest,
  type DecodedResponse,
  type DecodeFailed,
  type EncodeOptions,
  type RequestHeader,
  type RequestHeaderInit,
  type ResponseHeader,
} from './api.js';
export {
  coordinatorRecordType,
  coordinatorRecordTypes,
  decodeCoordinatorRecord,
  encodeCoordinatorKey,
  encodeCoordinatorValue,
  type CoordinatorRecordType,
  type CoordinatorTopic,
  type DecodedCoordinatorRecord,
} from './coordinator.js';
export { ProtocolDecodeError, ProtocolEncodeError, type DecodeErrorCode, type EncodeErrorCode } from './errors.js';
export { ErrorCode, errorInfo, isRetriable, kafkaErrors, type ErrorCodeName, type KafkaErrorInfo } from './generated/errors.js';
export {
  apiEntry,
  ApiKey,
  apis,
  dataCodecs,
  type ApiEntry,
  type ApiKeyName,
  type ApiKeyNumber,
  type RequestBodies,
  type ResponseBodies,
} from './generated/index.js';
export type { FieldSchema, Init, MessageCodec, MessageSchema, StructSchema, UnknownTaggedField, VersionRange } from './types.js';
export { isUuid, randomUuid, uuidFromBytes, uuidToBytes, uuidToHex, ZERO_UUID } from './uuid.js';
