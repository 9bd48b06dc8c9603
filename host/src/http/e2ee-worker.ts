import { parentPort } from 'node:worker_threads';
import { agreeE2eeResponseKey } from '@keygate/core/wire';
import type { AgreeReply, AgreeRequest } from './e2ee-encryptor.js';

// The thread of WorkerE2eeEncryptor: agrees response keys so the event loop does not do the ECDH.
const port = parentPort;
if (port === null) throw new Error('e2ee-worker must run as a worker thread');
port.on('message', (batch: AgreeRequest[]) => {
  const replies: AgreeReply[] = batch.map(({ id, clientKey }) => {
    try {
      const { serverPublicKey, key } = agreeE2eeResponseKey(clientKey);
      return { id, serverPublicKey, key };
    } catch (error) {
      return { id, error: error instanceof Error ? error.message : String(error) };
    }
  });
  port.postMessage(replies);
});
