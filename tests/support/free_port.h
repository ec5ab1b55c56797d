#pragma once
// A TCP port on the loopback interface that nobody listens on now (the kernel's pick for port 0),
// for tests that start a rendezvous. Another process could take it before the test binds it; on
// a test machine that race is rare enough.
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace hwnas::testing {

inline int free_port() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address));
  socklen_t length = sizeof(address);
  getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  close(fd);
  return ntohs(address.sin_port);
}

}  // namespace hwnas::testing
