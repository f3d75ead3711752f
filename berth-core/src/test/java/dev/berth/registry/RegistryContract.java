package dev.berth.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.base.SessionId;
import dev.berth.runtime.CleanupReport.RemovedResource;
import dev.berth.runtime.RuntimeState;
import dev.berth.session.CullSettings;
import dev.berth.session.DesiredState;
import dev.berth.session.Session;
import dev.berth.session.SessionActivity;
import dev.berth.session.SessionLifecycle;
import dev.berth.session.SessionObservation;
import dev.berth.session.SessionSpec;
import dev.berth.session.SessionStatus;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

/**
 * What every registry database must do; {@link SqliteRegistryTest} and {@link PostgresRegistryTest}
 * run it on each.
 */
abstract class RegistryContract {
  private static final CullSettings NO_CULLING = CullSettings.NONE;
  private final Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);

  private Session session(String id, SessionStatus status) {
    return new Session(
        SessionSpec.of(SessionId.of(id), "default", "local", Map.of("team", "a"), NO_CULLING, now),
        new SessionObservation(
            status,
            "",
            RuntimeState.of(1, Map.of("dir", "/x/" + id)),
            Map.of(8000, "http://127.0.0.1:1/"),
            now),
        SessionActivity.none(now),
        SessionLifecycle.RUNNING);
  }

  /** A registry on this test's store; opening again reaches the same data. */
  abstract Registry open();

  /** The JDBC URL of this test's store, to build an older schema by hand. */
  abstract String jdbcUrl();

  /** Which of {@code db/vendor/*} this store's first migrations come from. */
  abstract String vendor();

  @Test
  void everythingSurvivesAReopen() {
    try (var registry = open()) {
      registry.sessions().insert(session("one", SessionStatus.RUNNING));
      registry.events().append(SessionId.of("one"), now, "status", "running", "");
      registry
          .tokens()
          .save(
              new TokenRecord("h1", TokenRecord.Kind.SESSION, Optional.of(SessionId.of("one"))),
              now);
    }
    try (var registry = open()) {
      assertThat(registry.sessions().find(SessionId.of("one")))
          .hasValue(session("one", SessionStatus.RUNNING));
      assertThat(registry.events().of(SessionId.of("one"), 0, 10))
          .extracting(e -> e.message())
          .containsExactly("running");
      assertThat(registry.tokens().find("h1"))
          .get()
          .extracting(TokenRecord::sessionId)
          .isEqualTo(Optional.of(SessionId.of("one")));
    }
  }

  @Test
  void manyConcurrentWritersAllSucceed() throws Exception {
    // Each insert reads (is the id taken?) then writes; a deferred transaction would fail with
    // SQLITE_BUSY when another writer commits in between. Writes begin IMMEDIATE and queue.
    try (var registry = open();
        var pool = java.util.concurrent.Executors.newFixedThreadPool(16)) {
      var tasks = new java.util.ArrayList<java.util.concurrent.Callable<Void>>();
      for (int i = 0; i < 60; i++) {
        String id = "w" + i;
        tasks.add(
            () -> {
              registry.sessions().insert(session(id, SessionStatus.PENDING));
              registry.events().append(SessionId.of(id), now, "status", "created", "");
              registry.sessions().update(session(id, SessionStatus.RUNNING));
              registry.sessions().find(SessionId.of(id)).orElseThrow();
              return null;
            });
      }
      for (var f : pool.invokeAll(tasks)) {
        f.get();
      }
      assertThat(registry.sessions().list(SessionFilter.ALL_LIVE)).hasSize(60);
      assertThat(registry.events().after(0, 1000)).hasSize(60);
      assertThat(registry.sessions().countByBackendAndStatus())
          .isEqualTo(Map.of("local", Map.of(SessionStatus.RUNNING, 60)));
    }
  }

  private Session claimedAs(PoolMemberRecord m, String id) {
    return new Session(
        new SessionSpec(
            SessionId.of(id), m.handle(), m.template(), m.backend(), Map.of(), NO_CULLING, now),
        new SessionObservation(SessionStatus.RUNNING, "", m.runtimeState(), m.endpoints(), now),
        SessionActivity.none(now),
        SessionLifecycle.RUNNING);
  }

  private static void addReady(Registry registry, String handle, String definition, Instant at) {
    registry.pools().add(PoolMemberRecord.starting(handle, "web", "docker", definition, at));
    registry
        .pools()
        .ready(
            handle,
            RuntimeState.of(1, Map.of("container", "c-" + handle)),
            Map.of(80, "http://h/"),
            "img",
            at);
  }

  /** A claim as the service makes one: the longest-ready member first, the next if it went. */
  private static Optional<PoolStore.Claim> claim(
      Registry registry,
      String definition,
      java.util.function.Function<PoolMemberRecord, Session> to) {
    for (PoolMemberRecord m : registry.pools().ready("web", "docker", definition)) {
      Optional<PoolStore.Claim> c = registry.pools().claim(m, to);
      if (c.isPresent()) {
        return c;
      }
    }
    return Optional.empty();
  }

  @Test
  void aClaimTakesTheLongestReadyMemberOfTheDefinitionAndRecordsItsSessionInOneStep() {
    try (var registry = open()) {
      registry.pools().add(PoolMemberRecord.starting("p-starting", "web", "docker", "d1", now));
      addReady(registry, "p-old", "d0", now); // another definition: never claimed
      addReady(registry, "p-first", "d1", now.plusMillis(1));
      addReady(registry, "p-second", "d1", now.plusMillis(2));

      var claim = claim(registry, "d1", m -> claimedAs(m, "s1")).orElseThrow();
      assertThat(claim.member().handle()).isEqualTo("p-first");
      Session s = registry.sessions().find(SessionId.of("s1")).orElseThrow();
      assertThat(s.handle()).isEqualTo("p-first");
      assertThat(s.status()).isEqualTo(SessionStatus.RUNNING);
      assertThat(s.runtimeState().values()).containsEntry("container", "c-p-first");
      assertThat(registry.sessions().imageIds()).containsEntry(SessionId.of("s1"), "img");
      assertThat(registry.sessions().definition(SessionId.of("s1"))).isEqualTo("d1");
      assertThat(registry.sessions().findByHandle("p-first"))
          .map(Session::id)
          .hasValue(SessionId.of("s1"));
      assertThat(registry.pools().knows("p-first")).isFalse();

      // A session that cannot be recorded (its id is live) leaves the member in the pool.
      assertThatThrownBy(() -> claim(registry, "d1", m -> claimedAs(m, "s1")))
          .hasMessageContaining("already exists");
      assertThat(registry.pools().knows("p-second")).isTrue();

      assertThat(claim(registry, "d1", m -> claimedAs(m, "s2")))
          .get()
          .extracting(c -> c.member().handle())
          .isEqualTo("p-second");
      assertThat(claim(registry, "d1", m -> claimedAs(m, "s3")))
          .as("a STARTING member is never claimed")
          .isEmpty();
      assertThat(registry.pools().list())
          .extracting(PoolMemberRecord::handle)
          .containsExactlyInAnyOrder("p-starting", "p-old");
    }
  }

  @Test
  void concurrentClaimsNeverShareAMember() throws Exception {
    try (var registry = open();
        var pool = java.util.concurrent.Executors.newFixedThreadPool(16)) {
      for (int i = 0; i < 10; i++) {
        addReady(registry, "p-m" + i, "d", now.plusMillis(i));
      }
      var tasks = new java.util.ArrayList<java.util.concurrent.Callable<Optional<String>>>();
      for (int i = 0; i < 40; i++) {
        String id = "c" + i;
        tasks.add(() -> claim(registry, "d", m -> claimedAs(m, id)).map(c -> c.member().handle()));
      }
      var handles = new java.util.ArrayList<String>();
      for (var f : pool.invokeAll(tasks)) {
        f.get().ifPresent(handles::add);
      }
      assertThat(handles).hasSize(10).doesNotHaveDuplicates();
      assertThat(registry.pools().list()).isEmpty();
      assertThat(registry.sessions().list(SessionFilter.ALL_LIVE)).hasSize(10);
    }
  }

  @Test
  void aLiveIdCannotBeTakenButADeletedOneCan() {
    try (var registry = open()) {
      registry.sessions().insert(session("dup", SessionStatus.RUNNING));
      assertThatThrownBy(() -> registry.sessions().insert(session("dup", SessionStatus.PENDING)))
          .hasMessageContaining("already exists");
      registry.sessions().update(session("dup", SessionStatus.DELETED));
      registry.sessions().insert(session("dup", SessionStatus.PENDING));
      assertThat(registry.sessions().find(SessionId.of("dup")))
          .get()
          .extracting(Session::status)
          .isEqualTo(SessionStatus.PENDING);
    }
  }

  @Test
  void listsFilterByStatusTemplateAndLabelsAndHideDeleted() {
    try (var registry = open()) {
      registry.sessions().insert(session("a", SessionStatus.RUNNING));
      registry.sessions().insert(session("b", SessionStatus.STOPPED));
      registry.sessions().insert(session("c", SessionStatus.DELETED));
      assertThat(registry.sessions().list(SessionFilter.ALL_LIVE))
          .extracting(s -> s.id().value())
          .containsExactly("a", "b");
      var stopped =
          new SessionFilter(Optional.of(SessionStatus.STOPPED), Optional.empty(), Map.of());
      assertThat(registry.sessions().list(stopped))
          .extracting(s -> s.id().value())
          .containsExactly("b");
      var otherTeam = new SessionFilter(Optional.empty(), Optional.empty(), Map.of("team", "b"));
      assertThat(registry.sessions().list(otherTeam)).isEmpty();
    }
  }

  @Test
  void eventsKeepTheirOrderAndActivityOnlyMovesForward() {
    try (var registry = open()) {
      registry.sessions().insert(session("act", SessionStatus.RUNNING));
      for (int i = 0; i < 5; i++) {
        registry.events().append(SessionId.of("act"), now, "status", "e" + i, "");
      }
      var events = registry.events().of(SessionId.of("act"), 0, 3);
      assertThat(events).extracting(e -> e.message()).containsExactly("e0", "e1", "e2");
      assertThat(registry.events().of(SessionId.of("act"), events.get(2).id(), 10))
          .extracting(e -> e.message())
          .containsExactly("e3", "e4");

      registry.sessions().touch(SessionId.of("act"), now.plusSeconds(60), "proxy");
      registry.sessions().touch(SessionId.of("act"), now.plusSeconds(30), "api");
      assertThat(registry.sessions().find(SessionId.of("act")).orElseThrow().lastActivityAt())
          .isEqualTo(now.plusSeconds(60));
    }
  }

  @Test
  void aMigratedSessionRecordsItsNewBackend() {
    try (var registry = open()) {
      Session s = session("moved", SessionStatus.STOPPED);
      registry.sessions().insert(s);
      registry.sessions().update(s.onBackend("docker", RuntimeState.of(1, Map.of("c", "x")), now));
      assertThat(registry.sessions().find(SessionId.of("moved")).orElseThrow().backend())
          .isEqualTo("docker");
      assertThat(registry.tokens().hasAdmin()).isFalse();
    }
  }

  @Test
  void theImageOfEachLiveSessionIsRecordedAndForgottenWithTheRow() {
    try (var registry = open()) {
      registry.sessions().insert(session("one", SessionStatus.RUNNING));
      registry.sessions().insert(session("two", SessionStatus.RUNNING));
      registry.sessions().insert(session("gone", SessionStatus.DELETED));
      registry.sessions().setImageId(SessionId.of("one"), "sha256:aaa");
      registry.sessions().setImageId(SessionId.of("gone"), "sha256:old");
      assertThat(registry.sessions().imageIds())
          .containsOnly(Map.entry(SessionId.of("one"), "sha256:aaa"));

      // A deleted id taken again starts without an image.
      registry.sessions().insert(session("gone", SessionStatus.PENDING));
      registry.sessions().setImageId(SessionId.of("one"), "");
      assertThat(registry.sessions().imageIds()).isEmpty();
    }
  }

  @Test
  void everyPartOfASessionSurvivesAReopen() {
    Session full =
        new Session(
            new SessionSpec(
                SessionId.of("full"),
                "pool-7",
                "web",
                "docker",
                Map.of("team", "a", "tier", "gold"),
                new CullSettings(
                    Optional.of(Duration.ofMinutes(5)),
                    Optional.of(Duration.ofHours(2)),
                    Optional.of(dev.berth.template.CullAction.DELETE)),
                now),
            new SessionObservation(
                SessionStatus.FAILED,
                "it crashed",
                RuntimeState.of(3, Map.of("container", "c1", "volume", "v1")),
                Map.of(8000, "http://127.0.0.1:1/", 9000, "http://127.0.0.1:2/"),
                now.plusSeconds(1)),
            new SessionActivity(now.plusSeconds(2), "mcp"),
            new SessionLifecycle(DesiredState.RUNNING, 2, Optional.of(now.plusSeconds(30))));
    try (var registry = open()) {
      registry.sessions().insert(full);
    }
    try (var registry = open()) {
      assertThat(registry.sessions().find(full.id())).hasValue(full);
    }
  }

  @Test
  void aSessionKeepsItsHandleWhichIsItsIdUnlessGivenAnother() {
    try (var registry = open()) {
      registry.sessions().insert(session("plain", SessionStatus.RUNNING));
      Session bound = session("bound", SessionStatus.RUNNING);
      bound =
          new Session(
              new SessionSpec(
                  bound.id(),
                  "pool-3",
                  bound.template(),
                  bound.backend(),
                  bound.labels(),
                  bound.culling(),
                  bound.createdAt()),
              bound.observed(),
              bound.activity(),
              bound.lifecycle());
      registry.sessions().insert(bound);
      // An update (a status change, a migration) never changes the handle.
      registry.sessions().update(bound.onBackend("docker", RuntimeState.EMPTY, now));
    }
    try (var registry = open()) {
      assertThat(registry.sessions().find(SessionId.of("plain")).orElseThrow().handle())
          .isEqualTo("plain");
      assertThat(registry.sessions().find(SessionId.of("bound")).orElseThrow().handle())
          .isEqualTo("pool-3");
      // What runtime events and orphan collection look a session up by.
      assertThat(registry.sessions().findByHandle("pool-3").map(Session::id))
          .contains(SessionId.of("bound"));
      assertThat(registry.sessions().findByHandle("plain").map(Session::id))
          .contains(SessionId.of("plain"));
      assertThat(registry.sessions().findByHandle("bound"))
          .as("the id of a session bound to another handle is not a handle")
          .isEmpty();
    }
    assertThatThrownBy(
            () ->
                new SessionSpec(
                    SessionId.of("x"), "Not_A_Label", "t", "local", Map.of(), NO_CULLING, now))
        .hasMessageContaining("invalid session handle 'Not_A_Label'");
  }

  @Test
  void aDeletePlanIsKeptWithItsSessionUntilTheIdIsTakenAgain() {
    var plan =
        List.of(
            new RemovedResource("container", "berth-session-default-doomed"),
            new RemovedResource("volume", "berth-default-doomed"));
    SessionId id = SessionId.of("doomed");
    try (var registry = open()) {
      registry.sessions().insert(session("doomed", SessionStatus.RUNNING));
      assertThat(registry.sessions().deletePlan(id)).as("no delete planned yet").isEmpty();
      registry.sessions().saveDeletePlan(id, plan);
    }
    try (var registry = open()) {
      assertThat(registry.sessions().deletePlan(id)).isEqualTo(plan);
      registry.sessions().saveDeletePlan(id, List.of(plan.get(1)));
      assertThat(registry.sessions().deletePlan(id)).containsExactly(plan.get(1));
      assertThat(registry.sessions().deletePlan(SessionId.of("unknown"))).isEmpty();

      registry.sessions().update(session("doomed", SessionStatus.DELETED));
      registry.sessions().insert(session("doomed", SessionStatus.PENDING));
      assertThat(registry.sessions().deletePlan(id)).as("a new session, no plan").isEmpty();
    }
  }

  @Test
  void aMigrationUnderWaySurvivesAReopenUntilItIsCleared() {
    SessionId id = SessionId.of("moving");
    var begun = MigrationRecord.begun("local", "docker", true);
    var made =
        begun.withTarget(
            dev.berth.runtime.RuntimeState.of(3, Map.of("container", "berth-session-x-moving")));
    try (var registry = open()) {
      registry.sessions().insert(session("moving", SessionStatus.RUNNING));
      registry.sessions().insert(session("resting", SessionStatus.STOPPED));
      assertThat(registry.sessions().migrations()).as("none under way").isEmpty();
      registry.sessions().saveMigration(id, begun);
      registry.sessions().saveMigration(id, made);
    }
    try (var registry = open()) {
      assertThat(registry.sessions().migrations()).containsExactly(Map.entry(id, made));
      assertThat(registry.sessions().migrations().get(id).targetRuntimeState().get("container"))
          .isEqualTo("berth-session-x-moving");
      registry.sessions().clearMigration(id);
      assertThat(registry.sessions().migrations()).isEmpty();

      registry.sessions().saveMigration(id, begun);
      registry.sessions().update(session("moving", SessionStatus.DELETED));
      registry.sessions().insert(session("moving", SessionStatus.PENDING));
      assertThat(registry.sessions().migrations()).as("a new session, none under way").isEmpty();
    }
  }

  @Test
  void anOlderRegistryGetsHandlesAndTheFirstPlanOfAnUnfinishedDelete() throws Exception {
    // A registry as Berth left it before the handle and plan columns (schema version 6), with a
    // delete that a crash interrupted: its plan is only in its first 'deleting' event with data.
    Flyway.configure()
        .dataSource(jdbcUrl(), null, null)
        .locations("classpath:db/migration", "classpath:db/vendor/" + vendor())
        .target("6")
        .load()
        .migrate();
    String plan = "[{\"kind\":\"directory\",\"name\":\"/x/half\"}]";
    try (var c = DriverManager.getConnection(jdbcUrl());
        var st = c.createStatement()) {
      for (String id : List.of("old", "half", "gone")) {
        String status = id.equals("gone") ? "DELETED" : "RUNNING";
        String desired = id.equals("old") ? "RUNNING" : "DELETED";
        st.executeUpdate(
            "INSERT INTO sessions (id, template, backend, status, created_at, updated_at,"
                + " last_activity_at, desired) VALUES ('"
                + id
                + "', 'default', 'local', '"
                + status
                + "', 1, 1, 1, '"
                + desired
                + "')");
        st.executeUpdate(
            "INSERT INTO events (session_id, at, type, message, data) VALUES ('"
                + id
                + "', 1, 'deleting', 'deleting', '"
                + plan
                + "')");
      }
      st.executeUpdate(
          "INSERT INTO events (session_id, at, type, message, data) VALUES ('half', 2,"
              + " 'deleting', 'finishing an interrupted or incomplete delete', '[]')");
    }
    try (var registry = open()) {
      assertThat(registry.sessions().find(SessionId.of("old")).orElseThrow().handle())
          .isEqualTo("old");
      assertThat(registry.sessions().deletePlan(SessionId.of("half")))
          .containsExactly(new RemovedResource("directory", "/x/half"));
      assertThat(registry.sessions().deletePlan(SessionId.of("old"))).isEmpty();
      assertThat(registry.sessions().deletePlan(SessionId.of("gone"))).isEmpty();
    }
  }

  @Test
  void aReusedIdStartsAnEmptyTrailAndTheDeletedSessionsTrailStaysUnderItsIncarnation() {
    SessionId id = SessionId.of("again");
    try (var registry = open()) {
      assertThat(registry.sessions().incarnation(id)).as("no session ever had it").isEmpty();
      registry.sessions().insert(session("again", SessionStatus.RUNNING));
      registry.events().append(id, now, "status", "created from template 'default' on local", "");
      registry.events().append(id, now, "cleanup", "cleanup: removed 1, failed 0", "{}");
      registry.sessions().update(session("again", SessionStatus.DELETED));
      assertThat(registry.events().of(id, 0, 10))
          .as("a deleted session not yet replaced: its own trail")
          .extracting(e -> e.message())
          .containsExactly(
              "created from template 'default' on local", "cleanup: removed 1, failed 0");

      registry.sessions().insert(session("again", SessionStatus.PENDING));
      var first = registry.events().append(id, now, "status", "created again", "");
      assertThat(first.incarnation()).isEqualTo(2);
      assertThat(registry.sessions().incarnation(id)).hasValue(2);
    }
    try (var registry = open()) {
      assertThat(registry.events().of(id, 0, 10))
          .extracting(e -> e.message())
          .containsExactly("created again");
      assertThat(registry.events().of(id, 1, 0, 10))
          .extracting(e -> e.type(), e -> e.incarnation())
          .containsExactly(
              org.assertj.core.groups.Tuple.tuple("status", 1),
              org.assertj.core.groups.Tuple.tuple("cleanup", 1));
      assertThat(registry.events().after(0, 10))
          .extracting(e -> e.incarnation())
          .containsExactly(1, 1, 2);

      registry.sessions().update(session("again", SessionStatus.DELETED));
      registry.sessions().insert(session("again", SessionStatus.PENDING));
      assertThat(registry.sessions().incarnation(id)).hasValue(3);
      assertThat(registry.events().of(id, 0, 10)).isEmpty();
      assertThat(registry.events().of(id, 2, 0, 10)).hasSize(1);
    }
  }

  @Test
  void aRotationReplacesTheSessionsTokensButNeverBesideADelete() {
    SessionId id = SessionId.of("keys");
    var first = new TokenRecord("old1", TokenRecord.Kind.SESSION, Optional.of(id));
    var second = new TokenRecord("old2", TokenRecord.Kind.SESSION, Optional.of(id));
    var other = new TokenRecord("other", TokenRecord.Kind.SESSION, Optional.of(SessionId.of("x")));
    var fresh = new TokenRecord("new", TokenRecord.Kind.SESSION, Optional.of(id));
    try (var registry = open()) {
      assertThat(registry.tokens().replaceSessionTokens(fresh, now))
          .as("no such session")
          .isFalse();
      registry.sessions().insert(session("keys", SessionStatus.RUNNING));
      registry.tokens().save(first, now);
      registry.tokens().save(second, now);
      registry.tokens().save(other, now);

      assertThat(registry.tokens().replaceSessionTokens(fresh, now)).isTrue();
      assertThat(registry.tokens().find("old1")).isEmpty();
      assertThat(registry.tokens().find("old2")).isEmpty();
      assertThat(registry.tokens().find("new")).isPresent();
      assertThat(registry.tokens().find("other")).as("another session's token").isPresent();

      Session deleting =
          session("keys", SessionStatus.RUNNING)
              .withLifecycle(SessionLifecycle.RUNNING.want(DesiredState.DELETED));
      registry.sessions().update(deleting);
      var refused = new TokenRecord("late", TokenRecord.Kind.SESSION, Optional.of(id));
      assertThat(registry.tokens().replaceSessionTokens(refused, now)).isFalse();
      assertThat(registry.tokens().find("late")).isEmpty();
      assertThat(registry.tokens().find("new")).as("nothing changed").isPresent();
    }
  }

  @Test
  void aRotationRevokesTheBrowserLoginsOfTheTokenHolderButNotTheAdmins() {
    SessionId id = SessionId.of("web");
    Instant later = now.plusSeconds(3600);
    try (var registry = open()) {
      registry.sessions().insert(session("web", SessionStatus.RUNNING));
      var store = registry.browserCredentials();
      store.save(record("held", BrowserCredentialRecord.Kind.PROXY, id, false, later), now);
      store.save(record("link", BrowserCredentialRecord.Kind.LINK, id, false, later), now);
      store.save(record("dash", BrowserCredentialRecord.Kind.DASHBOARD, id, false, later), now);
      store.save(record("admin", BrowserCredentialRecord.Kind.PROXY, id, true, later), now);
      var other = SessionId.of("elsewhere");
      store.save(record("other", BrowserCredentialRecord.Kind.PROXY, other, false, later), now);

      var fresh = new TokenRecord("new", TokenRecord.Kind.SESSION, Optional.of(id));
      assertThat(registry.tokens().replaceSessionTokens(fresh, now)).isTrue();
      assertThat(store.find("held", BrowserCredentialRecord.Kind.PROXY, now)).isEmpty();
      assertThat(store.find("link", BrowserCredentialRecord.Kind.LINK, now)).isEmpty();
      assertThat(store.find("dash", BrowserCredentialRecord.Kind.DASHBOARD, now)).isEmpty();
      assertThat(store.find("admin", BrowserCredentialRecord.Kind.PROXY, now)).isPresent();
      assertThat(store.find("other", BrowserCredentialRecord.Kind.PROXY, now)).isPresent();
    }
  }

  @Test
  void aBrowserLoginIsWrittenOnlyWhileWhatItWasGotWithStillWorks() {
    SessionId id = SessionId.of("web");
    Instant later = now.plusSeconds(3600);
    try (var registry = open()) {
      registry.sessions().insert(session("web", SessionStatus.RUNNING));
      registry
          .tokens()
          .save(new TokenRecord("old", TokenRecord.Kind.SESSION, Optional.of(id)), now);
      var store = registry.browserCredentials();
      var before = record("before", BrowserCredentialRecord.Kind.PROXY, id, false, later);
      assertThat(store.saveIfProven(before, "old", now)).isTrue();
      var dash = record("dash", BrowserCredentialRecord.Kind.DASHBOARD, id, false, later);
      assertThat(store.saveIfProven(dash, "old", now)).isTrue();
      var viaDash = record("via-dash", BrowserCredentialRecord.Kind.LINK, id, false, later);
      assertThat(store.saveIfProven(viaDash, "dash", now)).as("a dashboard login").isTrue();
      assertThat(store.proven("old", now)).isTrue();

      // The caller checked "old"; the rotation ran before the write.
      var fresh = new TokenRecord("new", TokenRecord.Kind.SESSION, Optional.of(id));
      assertThat(registry.tokens().replaceSessionTokens(fresh, now)).isTrue();
      var after = record("after", BrowserCredentialRecord.Kind.PROXY, id, false, later);
      assertThat(store.saveIfProven(after, "old", now)).isFalse();
      assertThat(store.saveIfProven(after, "dash", now)).as("its dashboard login went").isFalse();
      assertThat(store.find("after", BrowserCredentialRecord.Kind.PROXY, now)).isEmpty();
      assertThat(store.find("before", BrowserCredentialRecord.Kind.PROXY, now)).isEmpty();
      assertThat(store.proven("old", now)).isFalse();
      assertThat(store.saveIfProven(after, "new", now)).as("the new token").isTrue();

      // A link used after the rotation revoked it makes no cookie.
      assertThat(
              store.exchange(
                  "via-dash",
                  BrowserCredentialRecord.Kind.LINK,
                  now,
                  link ->
                      Optional.of(
                          record("c", BrowserCredentialRecord.Kind.PROXY, id, false, later))))
          .isEmpty();
      assertThat(store.find("c", BrowserCredentialRecord.Kind.PROXY, now)).isEmpty();
      // One used before it becomes its cookie in the same transaction, which the rotation revokes.
      var link = record("link", BrowserCredentialRecord.Kind.LINK, id, false, later);
      assertThat(store.saveIfProven(link, "new", now)).isTrue();
      assertThat(
              store.exchange(
                  "link",
                  BrowserCredentialRecord.Kind.LINK,
                  now,
                  l ->
                      Optional.of(
                          record("c", BrowserCredentialRecord.Kind.PROXY, id, false, later))))
          .isPresent();
      assertThat(store.find("link", BrowserCredentialRecord.Kind.LINK, now))
          .as("used up")
          .isEmpty();
      assertThat(store.find("c", BrowserCredentialRecord.Kind.PROXY, now)).isPresent();
      var newer = new TokenRecord("newer", TokenRecord.Kind.SESSION, Optional.of(id));
      assertThat(registry.tokens().replaceSessionTokens(newer, now)).isTrue();
      assertThat(store.find("c", BrowserCredentialRecord.Kind.PROXY, now)).isEmpty();
    }
  }

  /**
   * The race itself: a login whose token check ran before a rotation writes its cookie while the
   * rotation's transaction is open. The write must wait for the rotation and then find the token
   * gone; a check that only reads would see the old token and leave a cookie the rotation missed.
   */
  @Test
  void aBrowserLoginWrittenDuringARotationWaitsForItAndIsRefused() throws Exception {
    SessionId id = SessionId.of("web");
    Instant later = now.plusSeconds(3600);
    try (var registry = open()) {
      registry.sessions().insert(session("web", SessionStatus.RUNNING));
      registry
          .tokens()
          .save(new TokenRecord("old", TokenRecord.Kind.SESSION, Optional.of(id)), now);
      var store = registry.browserCredentials();
      try (var rotation = DriverManager.getConnection(jdbcUrl())) {
        // What replaceSessionTokens does, held open.
        rotation.setAutoCommit(false);
        try (var st = rotation.createStatement()) {
          st.executeUpdate("UPDATE sessions SET updated_at=updated_at WHERE id='web'");
          st.executeUpdate("DELETE FROM tokens WHERE session_id='web'");
          st.executeUpdate(
              "INSERT INTO tokens (hash, kind, session_id, created_at) VALUES ('new', 'SESSION',"
                  + " 'web', 1)");
          st.executeUpdate("DELETE FROM browser_credentials WHERE session_id='web' AND admin=0");
        }
        var login = record("late", BrowserCredentialRecord.Kind.PROXY, id, false, later);
        var written = CompletableFuture.supplyAsync(() -> store.saveIfProven(login, "old", now));
        awaitWaitingForALock(written);
        assertThat(written).as("waits for the rotation").isNotDone();
        rotation.commit();
        assertThat(written.get(30, TimeUnit.SECONDS)).as("refused").isFalse();
      }
      assertThat(store.find("late", BrowserCredentialRecord.Kind.PROXY, now)).isEmpty();
    }
  }

  /**
   * Waits until {@code writer} waits for a lock (PostgreSQL shows it) or is done (then the caller's
   * check fails: it did not wait); where writers run one at a time (SQLite) there is nothing to
   * see, and the test holds either way.
   */
  void awaitWaitingForALock(Future<?> writer) throws Exception {}

  @Test
  void aHolderKeepsItsNewestBrowserCredentialsOnlyUpToTheCap() {
    SessionId id = SessionId.of("web");
    var proxy = BrowserCredentialRecord.Kind.PROXY;
    int cap = BrowserCredentialStore.LIVE_PER_HOLDER;
    Instant later = now.plusSeconds(3600);
    try (var registry = open()) {
      registry.sessions().insert(session("web", SessionStatus.RUNNING));
      registry
          .tokens()
          .save(new TokenRecord("tok", TokenRecord.Kind.SESSION, Optional.of(id)), now);
      var store = registry.browserCredentials();
      store.save(record("admins", proxy, id, true, later), now);
      store.save(record("dash", BrowserCredentialRecord.Kind.DASHBOARD, id, false, later), now);
      // One more than the cap, a millisecond apart, then a burst within one millisecond.
      for (int i = 0; i <= cap; i++) {
        var r = record("c" + i, proxy, id, false, later);
        assertThat(store.saveIfProven(r, "tok", now.plusMillis(i))).isTrue();
      }
      assertThat(store.find("c0", proxy, now)).as("the oldest went").isEmpty();
      assertThat(store.find("c1", proxy, now)).isPresent();
      assertThat(store.find("c" + cap, proxy, now)).as("the newest stays").isPresent();
      Instant burst = now.plusMillis(cap + 1);
      for (int i = 0; i < 20; i++) {
        store.save(record("b" + i, proxy, id, false, later), burst);
        assertThat(store.find("b" + i, proxy, now)).as("the one just saved").isPresent();
      }
      assertThat(store.find("c" + cap, proxy, now)).isPresent();
      assertThat(store.find("c20", proxy, now)).isEmpty();
      assertThat(store.find("admins", proxy, now))
          .as("the admin's, and other kinds, are other holders")
          .isPresent();
      assertThat(store.find("dash", BrowserCredentialRecord.Kind.DASHBOARD, now)).isPresent();
      assertThat(rows(registry)).isEqualTo(cap + 2);

      // The admin's dashboard logins (no session) are one holder too.
      for (int i = 0; i <= cap; i++) {
        var login =
            new BrowserCredentialRecord(
                "d" + i, BrowserCredentialRecord.Kind.DASHBOARD, Optional.empty(), true, later);
        store.save(login, now.plusMillis(i));
      }
      assertThat(store.find("d0", BrowserCredentialRecord.Kind.DASHBOARD, now)).isEmpty();
      assertThat(store.find("d" + cap, BrowserCredentialRecord.Kind.DASHBOARD, now)).isPresent();
      assertThat(rows(registry)).isEqualTo(2 * cap + 2);
    }
  }

  private int rows(Registry registry) {
    try (var c = DriverManager.getConnection(jdbcUrl());
        var rs = c.createStatement().executeQuery("SELECT COUNT(*) FROM browser_credentials")) {
      rs.next();
      return rs.getInt(1);
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private static BrowserCredentialRecord record(
      String hash, BrowserCredentialRecord.Kind kind, SessionId id, boolean admin, Instant until) {
    return new BrowserCredentialRecord(hash, kind, Optional.of(id), admin, until);
  }

  @Test
  void anOlderRegistryNumbersTheIncarnationsOfEachTrailByItsCreates() throws Exception {
    // A registry as Berth left it before incarnations (schema version 8): the id "twice" was
    // created, deleted and created again, and both sessions' events are in one trail.
    Flyway.configure()
        .dataSource(jdbcUrl(), null, null)
        .locations("classpath:db/migration", "classpath:db/vendor/" + vendor())
        .target("8")
        .load()
        .migrate();
    try (var c = DriverManager.getConnection(jdbcUrl());
        var st = c.createStatement()) {
      st.executeUpdate(
          "INSERT INTO sessions (id, handle, template, backend, status, created_at, updated_at,"
              + " last_activity_at) VALUES ('twice', 'twice', 'default', 'local', 'RUNNING', 5, 5,"
              + " 5), ('once', 'once', 'default', 'local', 'RUNNING', 1, 1, 1)");
      String[][] trail = {
        {"twice", "status", "created from template 'default' on local"},
        {"once", "status", "created from template 'default' on local"},
        {"twice", "cleanup", "cleanup: removed 2, failed 0"},
        {"twice", "status", "created from template 'default' on local"},
        {"twice", "status", "running at http://127.0.0.1:1/"},
      };
      try (var ps =
          c.prepareStatement(
              "INSERT INTO events (session_id, at, type, message) VALUES (?, 1, ?, ?)")) {
        for (String[] e : trail) {
          ps.setString(1, e[0]);
          ps.setString(2, e[1]);
          ps.setString(3, e[2]);
          ps.executeUpdate();
        }
      }
    }
    try (var registry = open()) {
      SessionId twice = SessionId.of("twice");
      assertThat(registry.sessions().incarnation(twice)).hasValue(2);
      assertThat(registry.sessions().incarnation(SessionId.of("once"))).hasValue(1);
      assertThat(registry.events().of(twice, 0, 10))
          .extracting(e -> e.message())
          .containsExactly(
              "created from template 'default' on local", "running at http://127.0.0.1:1/");
      assertThat(registry.events().of(twice, 1, 0, 10))
          .extracting(e -> e.type())
          .containsExactly("status", "cleanup");
      assertThat(registry.events().of(SessionId.of("once"), 0, 10)).hasSize(1);
    }
  }
}
