package dev.berth.template;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What a template asks of its sessions' workspace volume, where the backend can give it: on
 * Kubernetes the PersistentVolumeClaim's size and storage class (else the installation's {@code
 * kubernetesWorkspaceSize} / {@code kubernetesStorageClass}). Docker's local volume driver and the
 * local backend have neither, and ignore it.
 *
 * @param size a Kubernetes quantity such as {@code 10Gi}; empty for the installation's default
 * @param storageClass a storage class name; empty for the installation's default
 */
public record WorkspaceVolume(Optional<String> size, Optional<String> storageClass) {
  public static final WorkspaceVolume DEFAULT =
      new WorkspaceVolume(Optional.empty(), Optional.empty());

  /** A Kubernetes quantity: digits, an optional fraction and a decimal or binary suffix. */
  public static final Pattern QUANTITY =
      Pattern.compile("[0-9]+(\\.[0-9]+)?(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?");

  /** A storage class is a Kubernetes object name (a DNS subdomain). */
  public static final Pattern STORAGE_CLASS =
      Pattern.compile("[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?");

  /** This record's values where set, else {@code parent}'s. */
  public WorkspaceVolume orElse(WorkspaceVolume parent) {
    return new WorkspaceVolume(size.or(parent::size), storageClass.or(parent::storageClass));
  }
}
