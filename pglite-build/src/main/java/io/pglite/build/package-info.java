/**
 * Build-time tools of pglite-java, each a class with a {@code main} run by pglite-wasm's build through
 * exec-maven-plugin: {@link io.pglite.build.FetchPackage}, {@link io.pglite.build.ExtensionBundle},
 * {@link io.pglite.build.FunctionSplitter}, {@link io.pglite.build.SideModuleCompiler}, {@link io.pglite.build.AotStamp},
 * {@link io.pglite.build.PrepareCluster} and {@link io.pglite.build.BuildInfo}. They take {@code --name value}
 * options and leave outputs that are already up to date untouched, so that everyday builds stay fast. Only
 * SideModuleCompiler needs more than the JDK: Chicory's parser and compiler.
 */
package io.pglite.build;
