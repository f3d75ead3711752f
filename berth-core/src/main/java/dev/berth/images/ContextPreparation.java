package dev.berth.images;

import dev.berth.base.BerthException;
import dev.berth.base.ErrorCode;
import dev.berth.template.ImageBuild;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies a template's declared components (a shared folder, an agent binary...) into its build
 * context before a build, and removes exactly what it made when closed, whether the build worked or
 * not. What it makes is written to a marker file first, so the leftovers of a build that was killed
 * half-way are removed by the next preparation rather than built into an image.
 *
 * <p>A component never replaces a file that is already in the context: that would lose the user's
 * file when the copy is removed.
 */
public final class ContextPreparation implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ContextPreparation.class);

  /** Lists what a preparation made, one context-relative path a line; never part of a build. */
  public static final String MARKER = ".berth-prepared";

  private final Path context;
  private final List<Path> made = new ArrayList<>();

  private ContextPreparation(Path context) {
    this.context = context;
  }

  /** Copies the components of {@code build} into its context. */
  public static ContextPreparation prepare(ImageBuild build) {
    var prep = new ContextPreparation(build.context());
    try {
      prep.removeLeftovers();
      for (Map.Entry<String, Path> c : build.sortedComponents().entrySet()) {
        prep.copy(build.owner(), c.getKey(), c.getValue());
      }
      return prep;
    } catch (RuntimeException e) {
      try {
        prep.close();
      } catch (RuntimeException cleanup) {
        e.addSuppressed(cleanup);
      }
      throw e;
    }
  }

  private void copy(String template, String to, Path declared) {
    Path source = declared;
    if (!Files.exists(declared)) {
      throw BerthException.badRequest(
          "template '"
              + template
              + "': build component '"
              + to
              + "' comes from "
              + declared
              + ", which does not exist");
    }
    try {
      // A component named by a link (/usr/bin/x -> /etc/alternatives/...) is what it points to.
      source = declared.toRealPath();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot resolve " + declared, e);
    }
    Path target = context.resolve(to).normalize();
    if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
      throw BerthException.conflict(
          "template '"
              + template
              + "': build component '"
              + to
              + "' would replace "
              + target
              + ", which is already in the build context; components are copied in for the"
              + " build and removed afterwards, so their place must be free: move that file or"
              + " choose another path");
    }
    // The outermost folder this copy creates is what close() removes.
    Path top = target;
    while (!top.getParent().equals(context) && !Files.exists(top.getParent())) {
      top = top.getParent();
    }
    record(top);
    try {
      Files.createDirectories(target.getParent());
      copyTree(source, target);
    } catch (IOException e) {
      throw new BerthException(
          ErrorCode.INTERNAL,
          "template '" + template + "': cannot copy build component " + source + ": " + e,
          e);
    }
  }

  private void record(Path path) {
    made.add(path);
    try {
      Files.write(
          context.resolve(MARKER),
          made.stream().map(p -> context.relativize(p).toString()).toList());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + context.resolve(MARKER), e);
    }
  }

  private static void copyTree(Path source, Path target) throws IOException {
    if (!Files.isDirectory(source, LinkOption.NOFOLLOW_LINKS)) {
      Files.copy(source, target, StandardCopyOption.COPY_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
      return;
    }
    Files.walkFileTree(
        source,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs)
              throws IOException {
            Files.createDirectories(target.resolve(source.relativize(dir).toString()));
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            Files.copy(
                file,
                target.resolve(source.relativize(file).toString()),
                StandardCopyOption.COPY_ATTRIBUTES,
                LinkOption.NOFOLLOW_LINKS);
            return FileVisitResult.CONTINUE;
          }
        });
  }

  /** A marker left by a build that never finished: remove what it lists. */
  private void removeLeftovers() {
    Path marker = context.resolve(MARKER);
    if (!Files.exists(marker)) {
      return;
    }
    try {
      for (String line : Files.readAllLines(marker)) {
        Path p = context.resolve(line).normalize();
        if (!line.isBlank() && p.startsWith(context) && !p.equals(context)) {
          LOG.info("removing {} left in the build context by an unfinished build", p);
          deleteTree(p);
        }
      }
      Files.delete(marker);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot remove the leftovers listed in " + marker, e);
    }
  }

  /** Removes every copied component and the marker; tries all of them before failing. */
  @Override
  public void close() {
    List<String> failed = new ArrayList<>();
    for (Path p : made.reversed()) {
      try {
        deleteTree(p);
      } catch (IOException e) {
        failed.add(p + ": " + e.getMessage());
      }
    }
    if (failed.isEmpty()) {
      try {
        Files.deleteIfExists(context.resolve(MARKER));
      } catch (IOException e) {
        failed.add(context.resolve(MARKER) + ": " + e.getMessage());
      }
    }
    made.clear();
    if (!failed.isEmpty()) {
      throw new BerthException(
          ErrorCode.INTERNAL, "could not remove build components from " + context + ": " + failed);
    }
  }

  static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    if (!Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) {
      Files.delete(root);
      return;
    }
    Files.walkFileTree(
        root,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            Files.delete(file);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
            if (exc != null) {
              throw exc;
            }
            Files.delete(dir);
            return FileVisitResult.CONTINUE;
          }
        });
  }
}
