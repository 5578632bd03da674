package hello;

import java.net.http.HttpClient;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Uses java.net.http and java.sql (jdeps sees them) and a zip FileSystem (jdk.zipfs, found through
 * ServiceLoader, which jdeps does not see): DS020's jlink runtime must hold all three.
 */
public class Main {
    public static void main(String[] args) throws Exception {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        Timestamp epoch = new Timestamp(0L);
        Path zip = Files.createTempFile("data", ".zip");
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip))) {
            out.putNextEntry(new ZipEntry("greeting.txt"));
            out.write("hello from a zip".getBytes("UTF-8"));
            out.closeEntry();
        }
        String text;
        try (FileSystem fs = FileSystems.newFileSystem(zip, (ClassLoader) null)) {
            text = Files.readString(fs.getPath("greeting.txt"));
        }
        System.out.println("hello from a Java app, " + Runtime.version().feature() + ": " + client.version() + ", " + epoch.toInstant() + ", " + text);
    }
}
