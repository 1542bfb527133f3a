package goflow.redis.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * A Lua script and its SHA-1, by which it is called ({@code EVALSHA}); when the server does not know
 * it ({@code NOSCRIPT}: Redis restarted, or {@code SCRIPT FLUSH}), the call sends the source once
 * ({@code EVAL}), which also loads it again. Immutable.
 *
 * @param name a short name for messages
 * @param source the Lua source
 * @param sha the SHA-1 of the source, lower-case hex, as Redis computes it
 */
record Script(String name, String source, String sha) {

    static Script of(String name, String source) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-1").digest(source.getBytes(StandardCharsets.UTF_8));
            StringBuilder hex = new StringBuilder(40);
            for (byte b : digest) {
                hex.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
            }
            return new Script(name, source, hex.toString());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is missing from this JVM", e);
        }
    }
}
