import { readConfig } from './config';
import { start } from './start';

start(readConfig()).catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
