package dev.tcptune.kernel.route;

/**
 * A route could not be changed (gone, replaced meanwhile, refused by the kernel). Checked, because
 * the applier must report it for that rule and go on with the others.
 */
public class RouteChangeException extends Exception {

  private static final long serialVersionUID = 1L;

  public RouteChangeException(String message) {
    super(message);
  }

  public RouteChangeException(String message, Throwable cause) {
    super(message, cause);
  }
}
