import { startServer } from './server';

// Entry point of the bundled server (dist/server.js): started by the extension over node IPC,
// or by any editor with --stdio.
startServer();
