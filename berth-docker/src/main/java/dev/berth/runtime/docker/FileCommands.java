package dev.berth.runtime.docker;

import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.WaitContainerResultCallback;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Mount;
import com.github.dockerjava.api.model.MountType;
import dev.berth.runtime.ExecCancellation;
import dev.berth.runtime.ExecResult;
import dev.berth.runtime.RuntimeSession;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Runs the few file operations the archive API cannot do (remove, rename) as commands: inside the
 * session container when it runs, else in a short-lived helper container ({@code
 * <prefix>-helper-<template>-<session>}, Berth's busybox image, the session volume at the same
 * path, no network, labelled like the session so a crash mid-way leaves nothing destroy misses).
 */
final class FileCommands {
  private static final Duration LIMIT = Duration.ofSeconds(60);
  private static final int MAX_OUTPUT = 64 * 1024;

  private final DockerEngine engine;
  private final DockerExec exec;
  private final DefaultImage helperImage;
  private final String prefix;
  private final String instance;
  // One helper per session at a time: they share a name.
  private final Map<String, Object> helperLocks = new ConcurrentHashMap<>();

  FileCommands(
      DockerEngine engine,
      DockerExec exec,
      DefaultImage helperImage,
      String prefix,
      String instance) {
    this.engine = engine;
    this.exec = exec;
    this.helperImage = helperImage;
    this.prefix = prefix;
    this.instance = instance;
  }

  /** Drops the session's lock once the session is gone. */
  void forget(RuntimeSession s) {
    helperLocks.remove(s.handle());
  }

  static String helperName(String prefix, RuntimeSession s) {
    return prefix + "-helper-" + s.template().name() + "-" + s.handle();
  }

  ExecResult run(RuntimeSession s, DockerNames names, boolean running, List<String> argv) {
    if (running) {
      // no stdin is staged, so the owner is unused
      return exec.run(
          names.container(),
          ContainerUsers.Owner.ROOT,
          argv,
          "/",
          List.of(),
          new byte[0],
          LIMIT,
          MAX_OUTPUT,
          true,
          ExecCancellation.none());
    }
    synchronized (helperLocks.computeIfAbsent(s.handle(), k -> new Object())) {
      return inHelper(s, names, argv);
    }
  }

  private ExecResult inHelper(RuntimeSession s, DockerNames names, List<String> argv) {
    Instant started = Instant.now();
    String name = helperName(prefix, s);
    removeStale(name, s);
    HostConfig host =
        HostConfig.newHostConfig()
            .withNetworkMode("none")
            .withCapDrop(Capability.ALL)
            // root in the helper must reach files whatever their owner and mode
            .withCapAdd(Capability.DAC_OVERRIDE, Capability.FOWNER)
            .withSecurityOpts(List.of("no-new-privileges"))
            .withMounts(
                List.of(
                    new Mount()
                        .withType(MountType.VOLUME)
                        .withSource(names.volume())
                        .withTarget(s.template().workspace().path())));
    String id;
    try {
      id =
          engine
              .client
              .createContainerCmd(helperImage.ensure())
              .withName(name)
              .withUser("0")
              .withCmd(argv)
              .withLabels(DockerLabels.of(s, DockerLabels.TYPE_HELPER, instance))
              .withHostConfig(host)
              .exec()
              .getId();
    } catch (RuntimeException e) {
      throw DockerEngine.failure("create helper container " + name, e);
    }
    try {
      engine.client.startContainerCmd(id).exec();
      int code =
          engine
              .client
              .waitContainerCmd(id)
              .exec(new WaitContainerResultCallback())
              .awaitStatusCode(LIMIT.toSeconds(), TimeUnit.SECONDS);
      var out = new DockerExec.Bounded(MAX_OUTPUT);
      var err = new DockerExec.Bounded(MAX_OUTPUT);
      engine
          .client
          .logContainerCmd(id)
          .withStdOut(true)
          .withStdErr(true)
          .exec(
              new ResultCallback.Adapter<Frame>() {
                @Override
                public void onNext(Frame f) {
                  byte[] p = f.getPayload();
                  switch (f.getStreamType()) {
                    case STDERR -> err.add(p, 0, p.length);
                    default -> out.add(p, 0, p.length);
                  }
                }
              })
          .awaitCompletion(10, TimeUnit.SECONDS);
      return new ExecResult(
          code,
          out.bytes(),
          err.bytes(),
          out.total,
          err.total,
          false,
          Duration.between(started, Instant.now()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw DockerEngine.failure("run " + argv.get(0) + " in helper " + name, e);
    } catch (RuntimeException e) {
      throw DockerEngine.failure("run " + argv.get(0) + " in helper " + name, e);
    } finally {
      removeStale(name, s);
    }
  }

  /** Removes a helper left by a crash, only if it is this session's: never a stranger's. */
  private void removeStale(String name, RuntimeSession s) {
    try {
      var labels = engine.client.inspectContainerCmd(name).exec().getConfig().getLabels();
      if (DockerLabels.owns(labels, s.handle(), instance)) {
        engine.client.removeContainerCmd(name).withForce(true).exec();
      }
    } catch (RuntimeException e) {
      // not there (the usual case) or already being removed
    }
  }

  static String stderr(ExecResult r) {
    return new String(r.stderr(), StandardCharsets.UTF_8).strip();
  }
}
