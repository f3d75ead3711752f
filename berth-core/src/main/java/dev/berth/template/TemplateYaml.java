package dev.berth.template;

import dev.berth.config.StrictObject;
import java.nio.file.Path;
import java.util.List;

/**
 * One template.yaml as the group parsers read it: the template's name and folder, its top-level
 * keys, and the list every problem goes to (all templates' problems are reported together).
 *
 * @param name the template's name (its folder's name)
 * @param folder the template's folder, which relative paths in it are resolved against
 * @param where the file's path, the prefix of every error about it
 * @param keys the file's top-level mapping; each parser asks for its own keys
 * @param errors where problems are collected
 */
record TemplateYaml(
    String name, Path folder, String where, StrictObject keys, List<String> errors) {

  /** Records a problem with this file: {@code <file>: <message>}. */
  void error(String message) {
    errors.add(where + ": " + message);
  }
}
