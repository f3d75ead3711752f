package dev.berth.runtime.docker;

import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.PortBinding;
import com.github.dockerjava.api.model.Ports;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;

/**
 * What stands in for "the outside" in the egress tests, all on this machine: a listener on the host
 * (on every address, so also at each bridge's gateway) and a web server in a container of its own,
 * published on the host's own address. Each answers {@code HTTP/1.0 200} with a word that says
 * which it is.
 */
final class Outside implements AutoCloseable {
  final String hostAddress;
  final int hostPort;
  final int containerPort;
  private final ServerSocket listener;
  private final DockerEngine engine;
  private final String container;

  private Outside(
      String hostAddress, ServerSocket listener, DockerEngine engine, String container, int port) {
    this.hostAddress = hostAddress;
    this.listener = listener;
    this.hostPort = listener.getLocalPort();
    this.engine = engine;
    this.container = container;
    this.containerPort = port;
  }

  /**
   * Starts both; {@code image} is a busybox image on the engine (the runtime's default image once
   * it has made a session).
   */
  static Outside start(DockerEngine engine, String prefix, String image) throws IOException {
    String host = hostAddress();
    ServerSocket listener = new ServerSocket();
    listener.bind(new InetSocketAddress(0));
    Thread.ofVirtual()
        .start(
            () -> {
              while (!listener.isClosed()) {
                try (Socket s = listener.accept()) {
                  answer(s, "host-outside");
                } catch (IOException e) {
                  // closed, or the client went away
                }
              }
            });
    String name = prefix + "-outside";
    engine
        .client
        .createContainerCmd(image)
        .withName(name)
        .withCmd(
            "sh",
            "-c",
            "mkdir -p /www && echo container-outside > /www/index.html && httpd -f -p 9000 -h"
                + " /www")
        .withExposedPorts(ExposedPort.tcp(9000))
        .withHostConfig(
            HostConfig.newHostConfig()
                .withPortBindings(
                    new PortBinding(Ports.Binding.bindIp(host), ExposedPort.tcp(9000))))
        .exec();
    engine.client.startContainerCmd(name).exec();
    var bindings =
        engine
            .client
            .inspectContainerCmd(name)
            .exec()
            .getNetworkSettings()
            .getPorts()
            .getBindings()
            .get(ExposedPort.tcp(9000));
    int port = Integer.parseInt(bindings[0].getHostPortSpec());
    return new Outside(host, listener, engine, name, port);
  }

  private static void answer(Socket s, String word) throws IOException {
    s.setSoTimeout(5_000);
    s.getInputStream().read(new byte[4096]);
    OutputStream out = s.getOutputStream();
    out.write(
        ("HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\n" + word + "\n")
            .getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
  }

  /** The host's own IPv4 address on its first real interface (not loopback, not a bridge). */
  static String hostAddress() throws SocketException {
    for (NetworkInterface i : Collections.list(NetworkInterface.getNetworkInterfaces())) {
      String n = i.getName();
      if (!i.isUp()
          || i.isLoopback()
          || n.startsWith("docker")
          || n.startsWith("br-")
          || n.startsWith("bth")
          || n.startsWith("veth")) {
        continue;
      }
      for (InetAddress a : Collections.list(i.getInetAddresses())) {
        if (a instanceof Inet4Address) {
          return a.getHostAddress();
        }
      }
    }
    throw new IllegalStateException("this host has no IPv4 address besides loopback and bridges");
  }

  /**
   * A shell line that asks {@code http://ip:port/} directly (no proxy) and prints the answer; it
   * fails when no connection can be made. With {@code nc}: the static busybox's wget crashes in a
   * scratch image.
   */
  static String fetch(String ip, int port) {
    return "printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 3 " + ip + " " + port;
  }

  List<String> hostTargets(String gateway) {
    return List.of(hostAddress + ":" + hostPort, gateway + ":" + hostPort);
  }

  @Override
  public void close() throws IOException {
    listener.close();
    try {
      engine.client.removeContainerCmd(container).withForce(true).exec();
    } catch (RuntimeException ignored) {
      // removed with the prefix afterwards anyway
    }
  }
}
