package dev.berth.mcp;

import dev.berth.auth.Principal;
import dev.berth.base.BerthException;
import dev.berth.base.ErrorCode;
import dev.berth.base.SessionId;
import dev.berth.mcp.tool.McpCaller;
import dev.berth.mcp.tools.ChangesResource;
import dev.berth.service.SessionWorkspace;
import dev.berth.service.changes.ChangePage;
import dev.berth.service.changes.SessionChanges;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who subscribed to which {@link ChangesResource}, and one watcher per followed Berth session that
 * sends {@code notifications/resources/updated} when its workspace changes. The SDK keeps its own
 * list of subscribers (it sends each notification to them); this one exists to know when a watcher
 * is needed: it starts with a session's first subscriber and ends with its last (unsubscribe, the
 * MCP session deleted, expired or unknown after a restart) or with the Berth session's delete.
 */
final class ChangeSubscriptions implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ChangeSubscriptions.class);

  /** How long one wait for a change lasts; subscribers that went away are noticed after it. */
  static final Duration WAIT = Duration.ofSeconds(10);

  /** Subscriptions one MCP session holds at most. */
  static final int PER_MCP_SESSION = 16;

  /** After a failed look (the session is stopped, say), the next comes this much later. */
  private static final Duration RETRY = Duration.ofSeconds(5);

  private final SessionWorkspace workspace;
  private final ChangesResource resource;
  private final Predicate<String> live;
  private final Map<String, Watch> watches = new ConcurrentHashMap<>();
  private volatile Consumer<String> notify = uri -> {};
  private volatile boolean closed;

  /**
   * @param live whether an MCP session still exists (the SDK's own sessions are not visible)
   */
  ChangeSubscriptions(
      SessionWorkspace workspace, ChangesResource resource, Predicate<String> live) {
    this.workspace = workspace;
    this.resource = resource;
    this.live = live;
  }

  /** Where updates go: the MCP server's {@code notifyResourcesUpdated}. */
  void notifyWith(Consumer<String> notify) {
    this.notify = notify;
  }

  /**
   * Why {@code owner} (the request's principal) may not subscribe {@code mcpSession} to {@code
   * uri}, in words for the client; empty when it may.
   */
  Optional<String> refusal(Object owner, String mcpSession, String uri) {
    if (!(owner instanceof Principal principal)) {
      return Optional.of("not authenticated: send a bearer token");
    }
    return resource.refusal(new McpCaller(principal), uri).or(() -> full(mcpSession, uri));
  }

  private Optional<String> full(String mcpSession, String uri) {
    long held =
        watches.values().stream()
            .filter(w -> !w.uri.equals(uri) && w.subscribers.contains(mcpSession))
            .count();
    return held >= PER_MCP_SESSION
        ? Optional.of(
            "this MCP session follows "
                + held
                + " sessions' changes, the most it may: unsubscribe from one first")
        : Optional.empty();
  }

  /** {@code mcpSession} subscribed to {@code uri} (a {@link ChangesResource} the guard checked). */
  void subscribed(String mcpSession, String uri) {
    SessionId id = ChangesResource.sessionOf(uri).orElseThrow();
    resource.startFrom(mcpSession, uri);
    // The watcher's first look is taken here, before the subscription is answered: a write the
    // client makes right after the answer comes after it, and is told (taken on the watcher's own
    // thread, the look could come after that write and miss it).
    Optional<Long> from = firstLook(id);
    while (true) {
      Watch w = watches.computeIfAbsent(uri, u -> new Watch(id, u, from));
      if (w.add(mcpSession)) {
        w.startOnce();
        return;
      }
      watches.remove(uri, w); // it was ending: make a new one
    }
  }

  /** Where the feed is now; empty when it cannot be read (the watcher tries again itself). */
  private Optional<Long> firstLook(SessionId id) {
    try {
      return Optional.of(workspace.changes(id, Optional.empty(), 1, Duration.ZERO).cursor());
    } catch (BerthException e) {
      return Optional.empty();
    }
  }

  void unsubscribed(String mcpSession, String uri) {
    Watch w = watches.get(uri);
    if (w != null) {
      w.subscribers.remove(mcpSession);
      w.thread.interrupt(); // it ends now if that was its last subscriber
    }
  }

  /** The MCP session ended: its subscriptions and read cursors go. */
  void closed(String mcpSession) {
    resource.forget(mcpSession);
    for (Watch w : watches.values()) {
      if (w.subscribers.remove(mcpSession)) {
        w.thread.interrupt();
      }
    }
  }

  int watching() {
    return watches.size();
  }

  @Override
  public void close() {
    closed = true;
    watches.values().forEach(w -> w.thread.interrupt());
  }

  private final class Watch implements Runnable {
    final SessionId id;
    final String uri;
    final Set<String> subscribers = ConcurrentHashMap.newKeySet();
    final Thread thread;
    private final Optional<Long> from;
    private boolean ending;
    private boolean started;

    Watch(SessionId id, String uri, Optional<Long> from) {
      this.id = id;
      this.uri = uri;
      this.from = from;
      this.thread = Thread.ofVirtual().name("berth-mcp-changes-" + id).unstarted(this);
    }

    /** False when this watch is ending: the caller makes a new one. */
    synchronized boolean add(String mcpSession) {
      if (ending) {
        return false;
      }
      subscribers.add(mcpSession);
      return true;
    }

    synchronized void startOnce() {
      if (!started) {
        started = true;
        thread.start();
      }
    }

    /** True when nobody is left: the watch ends (and takes no new subscriber). */
    private synchronized boolean nobodyLeft() {
      subscribers.removeIf(s -> !live.test(s));
      if (subscribers.isEmpty() || closed) {
        ending = true;
        watches.remove(uri, this);
      }
      return ending;
    }

    @Override
    public void run() {
      Optional<Long> cursor = from;
      while (!nobodyLeft()) {
        Thread.interrupted(); // an unsubscribe's wake-up is taken by the check above
        ChangePage page;
        try {
          page = workspace.changes(id, cursor, SessionChanges.MAX_LIMIT, WAIT);
        } catch (BerthException e) {
          if (e.code() == ErrorCode.NOT_FOUND) {
            notify.accept(uri); // a read now says the session is gone
            end();
            return;
          }
          log.debug("watching {} for MCP subscribers: {}", id, e.getMessage());
          pause();
          continue;
        }
        boolean changed = !page.changes().isEmpty() || page.gap() || page.ended().isPresent();
        if (cursor.isPresent() && changed) {
          notify.accept(uri);
        }
        cursor = Optional.of(page.cursor());
        if (page.ended().isPresent()) {
          end();
          return;
        }
      }
    }

    private synchronized void end() {
      ending = true;
      watches.remove(uri, this);
    }

    /** A back-off before the next look; an unsubscribe or the server's close cuts it short. */
    private void pause() {
      try {
        Thread.sleep(RETRY);
      } catch (InterruptedException e) {
        // woken early: the loop's check says whether to go on
      }
    }
  }
}
