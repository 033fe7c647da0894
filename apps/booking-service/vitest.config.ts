import { defineConfig } from 'vitest/config';
import { projectConfig } from '../../vitest.shared';

// Files run one after another: they share the booking schema of concert_test, and a sweeper of
// one file would expire another file's holds and announce them on its own topic prefix.
export default defineConfig(projectConfig(__dirname, { fileParallelism: false }));
