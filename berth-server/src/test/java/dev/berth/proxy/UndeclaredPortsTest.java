package dev.berth.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class UndeclaredPortsTest {
  @Test
  void aContainersOwnAddressOpensAnyOfItsPorts() {
    assertThat(UndeclaredPorts.endpoint("http://10.200.0.5:8888/", 5000))
        .hasValue("http://10.200.0.5:5000/");
    assertThat(UndeclaredPorts.endpoint("http://[fd00::5]:8888/", 5000))
        .hasValue("http://[fd00::5]:5000/");
  }

  @Test
  void aPortOfThisMachineANameOrNoAddressOpensNothing() {
    assertThat(UndeclaredPorts.endpoint("http://127.0.0.1:43117/", 5000)).isEmpty();
    assertThat(UndeclaredPorts.endpoint("http://127.0.0.2:43117/", 5000)).isEmpty();
    assertThat(UndeclaredPorts.endpoint("http://localhost:43117/", 5000)).isEmpty();
    assertThat(UndeclaredPorts.endpoint("http://[::1]:43117/", 5000)).isEmpty();
    assertThat(UndeclaredPorts.endpoint("http://0.0.0.0:43117/", 5000)).isEmpty();
    assertThat(UndeclaredPorts.endpoint("http://web.ns.svc:8888/", 5000)).isEmpty();
    assertThat(UndeclaredPorts.endpoint(null, 5000)).isEmpty();
    assertThat(UndeclaredPorts.endpoint("not a uri", 5000)).isEmpty();
  }
}
