package dev.berth.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.base.BerthException;
import dev.berth.base.ErrorCode;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AbilitiesTest {

  /** Only what the ability checks read: a kind and a set of abilities. */
  private static SessionRuntime withAbilities(Set<Ability> abilities) {
    return runtime(abilities, List.of());
  }

  private static SessionRuntime runtime(Set<Ability> abilities, List<OwnedResource> owned) {
    return new SessionRuntime() {
      @Override
      public String kind() {
        return "local";
      }

      @Override
      public Set<Ability> abilities() {
        return abilities;
      }

      @Override
      public RuntimeState prepare(RuntimeSession session) {
        throw new UnsupportedOperationException();
      }

      @Override
      public StartResult start(RuntimeSession session) {
        throw new UnsupportedOperationException();
      }

      @Override
      public RuntimeState stop(RuntimeSession session, Duration grace) {
        throw new UnsupportedOperationException();
      }

      @Override
      public CleanupReport destroy(RuntimeSession session) {
        throw new UnsupportedOperationException();
      }

      @Override
      public ObservedState inspect(RuntimeSession session) {
        throw new UnsupportedOperationException();
      }

      @Override
      public List<OwnedResource> listOwned() {
        return owned;
      }

      @Override
      public String logTail(RuntimeSession session, int lines) {
        return "";
      }

      @Override
      public WorkspaceAccess workspace(RuntimeSession session) {
        throw new UnsupportedOperationException();
      }
    };
  }

  private static void assertUnsupported(Runnable call, String message) {
    assertThatThrownBy(call::run)
        .isInstanceOf(BerthException.class)
        .hasMessage(message)
        .satisfies(e -> assertThat(((BerthException) e).code()).isEqualTo(ErrorCode.UNSUPPORTED));
  }

  @Test
  void anAbilityTheRuntimeHasPassesQuietly() {
    Abilities.require(withAbilities(EnumSet.of(Ability.EXEC_STDIN)), Ability.EXEC_STDIN, "x");
  }

  @Test
  void aMissingAbilityFailsNamingTheBackendTheAbilityAndWhatWasAsked() {
    var runtime = withAbilities(EnumSet.of(Ability.APP_PROCESSES));
    assertUnsupported(
        () -> Abilities.require(runtime, Ability.EXEC_STDIN, "run a command with standard input"),
        "the local backend cannot feed standard input to a command (asked to run a command with"
            + " standard input)");
    assertUnsupported(
        () -> Abilities.require(runtime, Ability.IMAGE_BUILDS, ""),
        "the local backend cannot build images or renew sessions on them");
  }

  @Test
  void aRuntimeWithoutImageBuildsHasNoImagesToGive() {
    assertUnsupported(
        () -> withAbilities(EnumSet.noneOf(Ability.class)).images(),
        "the local backend cannot build images or renew sessions on them");
  }

  @Test
  void listingOneHandleFiltersTheWholeListByDefault() {
    var mine = new OwnedResource("directory", "/a", "h1", "t", "i", java.util.Optional.empty());
    var theirs = new OwnedResource("directory", "/b", "h2", "t", "i", java.util.Optional.empty());
    SessionRuntime runtime = runtime(Set.of(), List.of(mine, theirs));
    assertThat(runtime.listOwned("h1")).containsExactly(mine);
  }
}
