package io.pglite.core.server;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The server side of SCRAM-SHA-256 (RFC 5802, RFC 7677) as PostgreSQL speaks it, without channel
 * binding: one instance per authentication attempt. The password's keys are derived once per
 * server ({@link Credentials}).
 */
final class ScramAuthenticator {
    static final String MECHANISM = "SCRAM-SHA-256";
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder B64 = Base64.getEncoder();
    private static final Base64.Decoder B64D = Base64.getDecoder();

    private final Credentials credentials;
    private String clientFirstBare;
    private String serverFirst;
    private String nonce;
    private String gs2Header;

    ScramAuthenticator(Credentials credentials) {
        this.credentials = credentials;
    }

    /** The salted keys of the one password the server accepts. */
    static final class Credentials {
        final String user;
        final byte[] salt = new byte[16];
        final int iterations = 4096;
        final byte[] storedKey;
        final byte[] serverKey;

        Credentials(String user, String password) {
            this.user = user;
            RANDOM.nextBytes(salt);
            try {
                SecretKeyFactory pbkdf2 = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256");
                byte[] salted = pbkdf2.generateSecret(new PBEKeySpec(password.toCharArray(), salt, iterations, 256)).getEncoded();
                storedKey = MessageDigest.getInstance("SHA-256").digest(hmac(salted, "Client Key"));
                serverKey = hmac(salted, "Server Key");
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("SCRAM-SHA-256 needs PBKDF2WithHmacSHA256 and HmacSHA256 from the JDK", e);
            }
        }
    }

    /**
     * Takes the SASLInitialResponse body (mechanism, length, client-first-message); returns the
     * server-first-message.
     */
    String start(String mechanism, String clientFirst) {
        if (!MECHANISM.equals(mechanism)) {
            throw new AuthenticationFailure("SASL authentication mechanism " + mechanism + " is not supported (expected: " + MECHANISM + ")");
        }
        if (clientFirst.startsWith("p=")) {
            throw new AuthenticationFailure("SCRAM channel binding is not supported; connect without SSL channel binding");
        }
        if (!clientFirst.startsWith("n,") && !clientFirst.startsWith("y,")) {
            throw new AuthenticationFailure("malformed SCRAM message: invalid GS2 header");
        }
        int bare = clientFirst.indexOf(',', 2) + 1;
        if (bare <= 0) {
            throw new AuthenticationFailure("malformed SCRAM message: no client-first-message-bare");
        }
        gs2Header = clientFirst.substring(0, bare);
        clientFirstBare = clientFirst.substring(bare);
        String clientNonce = attribute(clientFirstBare, 'r');
        byte[] serverNonce = new byte[18];
        RANDOM.nextBytes(serverNonce);
        nonce = clientNonce + B64.encodeToString(serverNonce);
        serverFirst = "r=" + nonce + ",s=" + B64.encodeToString(credentials.salt) + ",i=" + credentials.iterations;
        return serverFirst;
    }

    /** Checks the client-final-message; returns the server-final-message. */
    String finish(String clientFinal) {
        int proofAt = clientFinal.lastIndexOf(",p=");
        if (proofAt < 0) {
            throw new AuthenticationFailure("malformed SCRAM message: no proof");
        }
        String withoutProof = clientFinal.substring(0, proofAt);
        if (!B64.encodeToString(gs2Header.getBytes(StandardCharsets.UTF_8)).equals(attribute(withoutProof, 'c'))
                || !nonce.equals(attribute(withoutProof, 'r'))) {
            throw new AuthenticationFailure("malformed SCRAM message: channel binding or nonce does not match");
        }
        byte[] proof;
        try {
            proof = B64D.decode(clientFinal.substring(proofAt + 3));
        } catch (IllegalArgumentException e) {
            throw new AuthenticationFailure("malformed SCRAM message: proof is not base64");
        }
        String authMessage = clientFirstBare + "," + serverFirst + "," + withoutProof;
        byte[] signature = hmac(credentials.storedKey, authMessage);
        if (proof.length != signature.length) {
            throw new AuthenticationFailure(null);
        }
        byte[] clientKey = new byte[proof.length];
        for (int i = 0; i < proof.length; i++) {
            clientKey[i] = (byte) (proof[i] ^ signature[i]);
        }
        try {
            if (!MessageDigest.isEqual(MessageDigest.getInstance("SHA-256").digest(clientKey), credentials.storedKey)) {
                throw new AuthenticationFailure(null);
            }
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        return "v=" + B64.encodeToString(hmac(credentials.serverKey, authMessage));
    }

    private static String attribute(String message, char name) {
        for (String part : message.split(",")) {
            if (part.length() >= 2 && part.charAt(0) == name && part.charAt(1) == '=') {
                return part.substring(2);
            }
        }
        throw new AuthenticationFailure("malformed SCRAM message: no attribute '" + name + "'");
    }

    private static byte[] hmac(byte[] key, String text) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(text.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The attempt failed; a null detail means a wrong password. */
    static final class AuthenticationFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        AuthenticationFailure(String detail) {
            super(detail, null, false, false);
        }
    }
}
