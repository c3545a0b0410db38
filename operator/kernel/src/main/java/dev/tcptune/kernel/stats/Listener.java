package dev.tcptune.kernel.stats;

/**
 * A listening TCP socket as {@code ss -ltn} shows it. Worth reporting because {@code somaxconn} is
 * read at {@code listen()} time: a listener whose backlog is below a new somaxconn needs a restart.
 *
 * @param localAddress the bound address without brackets ({@code 0.0.0.0}, {@code ::}, {@code *},
 *     {@code 127.0.0.53%lo})
 * @param port the local port
 * @param acceptQueue Recv-Q: connections waiting for {@code accept()}
 * @param backlog Send-Q: the effective backlog (min of the listen() argument and somaxconn)
 */
public record Listener(String localAddress, int port, long acceptQueue, long backlog) {}
