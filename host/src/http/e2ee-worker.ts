import { parentPort } from 'node:worker_threads';
import { encryptForClient } from '@keygate/core/wire';
import type { EncryptReply, EncryptRequest } from './e2ee-encryptor.js';

// The thread of E2eeEncryptor: encrypts responses so the event loop does not do the ECDH.
const port = parentPort;
if (port === null) throw new Error('e2ee-worker must run as a worker thread');
port.on('message', (batch: EncryptRequest[]) => {
  const replies: EncryptReply[] = batch.map(({ id, clientKey, plaintext }) => {
    try {
      return { id, envelope: encryptForClient(clientKey, plaintext) };
    } catch (error) {
      return { id, error: error instanceof Error ? error.message : String(error) };
    }
  });
  port.postMessage(replies);
});
