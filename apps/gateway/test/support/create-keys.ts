// Child process for the key-file race test: creates (or reads) the key file and prints the public key.
import { readOrCreateKeyFile } from '../../src/data-access/signing-keys';

const file = process.argv[2];
if (!file) throw new Error('usage: create-keys.ts <file>');
readOrCreateKeyFile(file).then((k) => process.stdout.write(k.publicKey));
