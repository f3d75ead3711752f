package dev.berth.template;

import dev.berth.base.BerthException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The templates Berth knows, by name. Immutable: reloading makes a new catalog. */
public final class TemplateCatalog implements TemplateSource {
  private final Map<String, Template> byName;

  public TemplateCatalog(Map<String, Template> byName) {
    this.byName = Map.copyOf(byName);
  }

  /** Itself: a catalog is a source that never changes. */
  @Override
  public TemplateCatalog current() {
    return this;
  }

  /** The template, if it is loaded. */
  public Optional<Template> find(String name) {
    return Optional.ofNullable(byName.get(name));
  }

  /** The template, or a 404 that lists the known names. */
  public Template get(String name) {
    Template t = byName.get(name);
    if (t == null) {
      throw BerthException.notFound("unknown template '" + name + "'; known templates: " + names());
    }
    return t;
  }

  public List<String> names() {
    return byName.keySet().stream().sorted().toList();
  }

  public List<Template> all() {
    return names().stream().map(byName::get).toList();
  }
}
