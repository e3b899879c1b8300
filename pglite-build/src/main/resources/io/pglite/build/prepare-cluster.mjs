// Creates a PostgreSQL cluster with PGlite's own initdb and shuts it down cleanly.
// Usage: node prepare-cluster.mjs <unpacked PGlite package dir> <cluster dir>
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const [packageDir, clusterDir] = process.argv.slice(2);
const { PGlite } = await import(pathToFileURL(join(packageDir, 'dist', 'index.js')).href);

const db = new PGlite(clusterDir);
await db.waitReady;
await db.close();
