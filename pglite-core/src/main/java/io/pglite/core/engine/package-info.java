/**
 * Internal: one PostgreSQL backend per {@link io.pglite.core.engine.Engine}, confined to its
 * {@link io.pglite.core.engine.EngineThread}; the shared assets of the {@code pglite-wasm} jar; the
 * protocol callbacks through which wire-protocol bytes enter and leave the backend.
 */
package io.pglite.core.engine;
