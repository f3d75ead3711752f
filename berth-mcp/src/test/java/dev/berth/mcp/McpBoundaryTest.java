package dev.berth.mcp;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * MCP is an edge: its tools go through the service layer (which locks, checks the session's state
 * and records activity), never straight to a runtime or the registry. The values those layers
 * answer with (records and enums such as an exec result or a session filter) may be read.
 */
class McpBoundaryTest {
  private static final DescribedPredicate<JavaClass> RUNTIME_OR_REGISTRY =
      new DescribedPredicate<>("a runtime or registry class that is not a record or an enum") {
        @Override
        public boolean test(JavaClass c) {
          String pkg = c.getPackageName();
          boolean below =
              pkg.startsWith("dev.berth.runtime") || pkg.startsWith("dev.berth.registry");
          return below && !c.isRecord() && !c.isEnum();
        }
      };

  @Test
  void toolsCallOnlyTheServiceLayer() {
    var classes =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.berth.mcp");
    noClasses()
        .that()
        .resideInAPackage("dev.berth.mcp..")
        .should()
        .dependOnClassesThat(RUNTIME_OR_REGISTRY)
        .check(classes);
  }
}
