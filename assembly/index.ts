// kwasm WASM core: the only exported ABI. See README "WASM core ABI".
export { crc32c } from "./crc32c";
