/**
 * Internal: the PostgreSQL wire-protocol server of an instance. Netty pipeline per connection:
 * {@link io.pglite.core.server.FrontendDecoder} frames and validates, {@code StartupHandler}
 * negotiates and authenticates, {@code SessionHandler} renames and queues; the
 * {@code BackendMultiplexer} gives connections turns on the one backend and streams its output back.
 *
 * <p>Buffer rules: the decoder copies each message into a byte array at once (it goes into wasm
 * memory next), so no {@code ByteBuf} crosses into the engine thread; output buffers are allocated by
 * the engine thread and released by Netty when written.
 */
package io.pglite.core.server;
