package spa.server.policy;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.attribute.UserPrincipalLookupService;

/**
 * Whether a user or group name exists on this system ({@code CMD_EXEC_USER}, {@code CMD_EXEC_GROUP}), asked of the
 * system's account database as fwknopd does at start-up, so that a typo stops start-up rather than the first command.
 */
final class SystemAccounts {
  private SystemAccounts() {}

  static boolean userExists(String name) {
    return exists(name, false);
  }

  static boolean groupExists(String name) {
    return exists(name, true);
  }

  private static boolean exists(String name, boolean group) {
    if (name.isEmpty() || name.chars().allMatch(Character::isDigit)) {
      return false; // the lookup would take a number as an id; fwknopd wants a name
    }
    UserPrincipalLookupService lookup = FileSystems.getDefault().getUserPrincipalLookupService();
    try {
      if (group) {
        lookup.lookupPrincipalByGroupName(name);
      } else {
        lookup.lookupPrincipalByName(name);
      }
      return true;
    } catch (IOException e) { // UserPrincipalNotFoundException, or the database cannot be read
      return false;
    }
  }
}
