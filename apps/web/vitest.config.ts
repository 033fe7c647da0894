import { defineConfig } from 'vitest/config';
import { projectConfig } from '../../vitest.shared';

// Unit tests of the app's own logic (countdown, retry, session, seat map): pure modules, no DOM.
export default defineConfig(projectConfig(__dirname));
