package dev.tcptune.cli;

import picocli.CommandLine.IVersionProvider;

/** The version from the jar manifest, so it never disagrees with the build. */
final class VersionProvider implements IVersionProvider {
  @Override
  public String[] getVersion() {
    String version = TcpTuneCommand.class.getPackage().getImplementationVersion();
    return new String[] {"tcptune " + (version == null ? "development build" : version)};
  }
}
