package dev.berth.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The layers of docs/design.md, checked on the compiled classes of every module (this module
 * depends on all of them): a new import that closes a circle between two packages fails here, with
 * the classes that close it.
 */
class LayersTest {
  private static JavaClasses berth;

  @BeforeAll
  static void importClasses() {
    berth =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            // Under `verify` other modules' tests come as jars (berth-server's test-jar), which the
            // option above does not recognize; test helpers are not part of the layers.
            .withImportOption(location -> !location.contains("-tests.jar"))
            .importPackages("dev.berth");
  }

  @Test
  void noPackageDependsOnItselfThroughOthers() {
    slices().matching("dev.berth.(**)").should().beFreeOfCycles().check(berth);
  }

  @Test
  void backendsAndTheRegistryKnowNothingOfTheUseCases() {
    noClasses()
        .that()
        .resideInAnyPackage(
            "dev.berth.base..",
            "dev.berth.config..",
            "dev.berth.template..",
            "dev.berth.images..",
            "dev.berth.runtime..",
            "dev.berth.session..",
            "dev.berth.registry..",
            "dev.berth.auth..",
            "dev.berth.tools..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("dev.berth.service..", "dev.berth.reconcile..")
        .check(berth);
  }

  @Test
  void theServiceLayerKnowsNoEdgeAndNoReconciler() {
    noClasses()
        .that()
        .resideInAnyPackage("dev.berth.service..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "dev.berth.reconcile..",
            "dev.berth.api..",
            "dev.berth.mcp..",
            "dev.berth.proxy..",
            "dev.berth.server..",
            "dev.berth.cli..")
        .check(berth);
  }

  @Test
  void theStepsAndUseCasesBelowTheServiceNeverCallBackIntoIt() {
    noClasses()
        .that()
        .resideInAnyPackage("dev.berth.service", "dev.berth.service.steps")
        .and()
        .doNotHaveSimpleName("SessionService")
        .should()
        .dependOnClassesThat()
        .haveFullyQualifiedName("dev.berth.service.SessionService")
        .check(berth);
  }

  @Test
  void edgesGoThroughTheServiceNotItsSteps() {
    noClasses()
        .that()
        .resideInAnyPackage(
            "dev.berth.api..",
            "dev.berth.mcp..",
            "dev.berth.proxy..",
            "dev.berth.cli..",
            "dev.berth.reconcile..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("dev.berth.service.steps..")
        .check(berth);
  }

  @Test
  void edgesNeverTalkToARuntimeOrTheRegistryThemselves() {
    // Their records and enums (a session filter, an exec result) are data, not a way in.
    DescribedPredicate<JavaClass> waysIn =
        DescribedPredicate.describe(
            "a runtime, its workspace access or a registry store",
            c ->
                !c.isRecord()
                    && !c.isEnum()
                    && (c.getPackageName().startsWith("dev.berth.registry")
                        || c.getFullName().equals("dev.berth.runtime.SessionRuntime")
                        || c.getFullName().equals("dev.berth.runtime.WorkspaceAccess")
                        || c.getFullName().equals("dev.berth.runtime.RuntimeImages")));
    noClasses()
        .that()
        .resideInAnyPackage("dev.berth.api..", "dev.berth.mcp..", "dev.berth.proxy..")
        .should()
        .dependOnClassesThat(waysIn)
        .check(berth);
  }
}
