package org.scimoe.bundle;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** A bundle on disk: a directory with the manifest, the ONNX graph and the tokenizer. */
public record ModelBundle(Path directory, BundleManifest manifest) {

    /** Reads the manifest and checks that the files it names exist. Does not hash the graph. */
    public static ModelBundle open(Path directory) {
        if (!Files.isDirectory(directory)) {
            throw new BundleException(directory + ": not a bundle directory");
        }
        ModelBundle bundle = new ModelBundle(directory, ManifestReader.read(directory.resolve(BundleManifest.FILE_NAME)));
        for (Path file : new Path[] {bundle.modelPath(), bundle.tokenizerPath()}) {
            if (!Files.isRegularFile(file)) {
                throw new BundleException("bundle '" + bundle.name() + "': file " + file + " named in its manifest is missing");
            }
        }
        return bundle;
    }

    public String name() {
        return manifest.name();
    }

    public Path modelPath() {
        return directory.resolve(manifest.modelFile());
    }

    public Path tokenizerPath() {
        return directory.resolve(manifest.tokenizerFile());
    }

    /** Hashes the ONNX graph and fails when it is not the one the manifest was written for. */
    public void verifyChecksum() {
        String actual = sha256(modelPath());
        if (!actual.equals(manifest.modelSha256())) {
            throw new BundleException("bundle '" + name() + "': " + modelPath() + " is damaged or was replaced: its SHA-256 is "
                    + actual + " but the manifest says " + manifest.modelSha256());
        }
    }

    public static String sha256(Path file) {
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
            byte[] buffer = new byte[1 << 16];
            while (in.read(buffer) >= 0) {
                // DigestInputStream hashes as it reads
            }
            return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
        } catch (IOException e) {
            throw new BundleException("cannot read " + file + ": " + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
