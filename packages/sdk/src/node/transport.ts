import { fetchTransport, type Transport } from "../core/transport.js";
import { nodeSend } from "./api-send.js";
import { nodeStoragePut } from "./storage.js";
import { nodeStorageGetToFile } from "./storage-get.js";

const portable = fetchTransport();

/**
 * The Node transport: API calls over node:http(s) with keep-alive (api-send.ts), uploads piped
 * from the open file (storage.ts), and downloads into a file read from the socket into one
 * reused buffer (storage-get.ts). A download into a stream rather than a file goes through
 * Node's fetch. `clientFromConfig` and the Node file helpers use it unless the client was given
 * its own `fetch` or `transport`.
 */
export const nodeTransport: Transport = {
  send: nodeSend,
  upload: nodeStoragePut,
  download: (request) => {
    const file = request.destination.file;
    if (!file) return portable.download(request);
    return nodeStorageGetToFile(
      request.url,
      file.path,
      request.onProgress,
      request.signal,
      request.idleTimeoutMs,
      file.onOpen ? { onOpen: file.onOpen } : {},
    );
  },
};
