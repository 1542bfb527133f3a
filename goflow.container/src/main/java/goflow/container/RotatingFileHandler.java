package goflow.container;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.logging.ErrorManager;
import java.util.logging.Handler;
import java.util.logging.LogRecord;

/**
 * A log file of bounded size: appends each record (UTF-8) to {@code file}, and when a record would
 * make the file larger than {@code maxBytes}, first renames it to {@code file.1} (shifting
 * {@code file.1} to {@code file.2} and so on, deleting {@code file.<files>}, the oldest) and
 * starts a new {@code file}. The live log is therefore always at {@code file}; at most
 * {@code files + 1} files of about {@code maxBytes} each are kept. A record larger than
 * {@code maxBytes} is written whole, alone in its file.
 *
 * <p>While open it holds a lock on {@code file.lck} (as {@link java.util.logging.FileHandler}
 * does), so a second container in the same folder cannot rotate the file under this one: it is
 * refused. The lock file goes with a deleted log folder; at each rotation the handler checks that
 * {@code file.lck} is still the file it locked: if it is gone, it is made and locked again (so a
 * container started later is still refused); if another handler made and locked it meanwhile (a
 * second container started while the folder was gone), the log is that handler's: this one says so
 * once on {@code problems}, neither rotates nor writes the file any more, writes its records to
 * {@code problems} instead, and leaves the other's lock file at close.
 *
 * <p>If a rotation fails (a folder that cannot be written, an oldest file that cannot be deleted),
 * the records go on to the same file, the failure is printed once on {@code problems} and the
 * rotation is tried again when another {@code maxBytes} have been written. If the file cannot even
 * be reopened, or a record cannot be written to it (a full disk), the record goes to
 * {@code problems} instead, and the file is reopened for the next one: none is lost. A log folder
 * deleted while the handler is open is made again when the file is next reopened (at the next
 * rotation); the records written in between went to the deleted file, as with any Unix log.
 *
 * <p>Thread-safe: {@link #publish}, {@link #flush} and {@link #close} are synchronized, so each
 * record is formatted, the rotation decided and done, and the record written under one lock: no
 * record is lost or interleaved with another, and one written happens-before the next.
 */
final class RotatingFileHandler extends Handler {
    private final Path file;
    private final long maxBytes;
    private final int files;
    private final PrintStream problems;
    /** The channel of the lock file (guarded by this; replaced when the lock file is made again). */
    private FileChannel lockChannel;
    /** The lock on {@code file.lck} (guarded by this). */
    private FileLock lock;
    /** The file key of the locked {@code file.lck}, or null if the file system has none (guarded by this). */
    private Object lockKey;
    /** Whether another handler took over the log (guarded by this); records go to problems. */
    private boolean lost;
    /** The open file, or null while it cannot be reopened (guarded by this). */
    private OutputStream out;
    /** Bytes in the file, or written since the last failed rotation (guarded by this). */
    private long written;
    /** Whether a rotation failure was reported (guarded by this; once per handler). */
    private boolean reported;
    /** Whether close was called (guarded by this); later records are dropped. */
    private boolean closed;

    /**
     * Opens (creates or appends to) the file and locks it.
     *
     * @param file the log file; its folder must exist
     * @param maxBytes the largest size of a file, at least 1
     * @param files how many old files to keep ({@code file.1} ... {@code file.<files>}), at least 1
     * @param problems where a failed rotation is reported ({@code System.err})
     * @throws IOException if the file cannot be opened, or is locked by another handler
     * @throws IllegalArgumentException if {@code maxBytes} or {@code files} is below 1
     */
    RotatingFileHandler(Path file, long maxBytes, int files, PrintStream problems) throws IOException {
        if (maxBytes < 1 || files < 1) {
            throw new IllegalArgumentException("maxBytes = " + maxBytes + " and files = " + files + " must be at least 1");
        }
        this.file = file;
        this.maxBytes = maxBytes;
        this.files = files;
        this.problems = problems;
        if (!tryLock()) {
            throw new IOException(file + " is in use by another log handler (" + sibling(".lck") + " is locked)");
        }
        try {
            out = open();
            written = Files.size(file);
        } catch (IOException | RuntimeException e) {
            release();
            throw e;
        }
    }

    /**
     * Locks {@code file.lck}, creating it; sets the lock fields only when it succeeds.
     *
     * @return false if another handler holds the lock
     * @throws IOException if it cannot be created or locked
     */
    private boolean tryLock() throws IOException {
        Path lockFile = sibling(".lck");
        FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock locked;
        try {
            locked = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            locked = null; // held in this JVM
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        if (locked == null) {
            channel.close();
            return false;
        }
        lockChannel = channel;
        lock = locked;
        lockKey = fileKey(lockFile);
        return true;
    }

    /** The file key (device and inode) of {@code path}, or null when it is missing or the file system has none. */
    private static Object fileKey(Path path) {
        try {
            return Files.readAttributes(path, BasicFileAttributes.class).fileKey();
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * Whether this handler still holds the log: {@code file.lck} is the file it locked, or was
     * deleted (with its folder) and is now made and locked again. False when another handler has
     * made and locked it meanwhile. When the lock file cannot be made (a folder that cannot be
     * written), the handler goes on as before and tries again at the next rotation.
     */
    private boolean holdsTheLog() {
        if (locksItsFile()) {
            return true; // the same lock file (or no file keys here: nothing to tell)
        }
        FileLock previousLock = lock;
        FileChannel previousChannel = lockChannel;
        try {
            makeFolder();
            if (!tryLock()) {
                return false;
            }
        } catch (IOException | RuntimeException e) {
            return true; // not taken by another handler: go on as before (the reopen may fail too), try again later
        }
        try {
            previousLock.release(); // a lock on a deleted file
            previousChannel.close();
        } catch (IOException e) {
            reportError(null, e, ErrorManager.CLOSE_FAILURE);
        }
        return true;
    }

    private Path sibling(String suffix) {
        return file.resolveSibling(file.getFileName() + suffix);
    }

    /**
     * Whether {@code file.lck} is still the file this handler locked: true also when the file
     * system has no file keys (nothing to tell). False when it is gone, or another one.
     */
    private boolean locksItsFile() {
        return lockKey == null || lockKey.equals(fileKey(sibling(".lck")));
    }

    /** Makes the log's folder again if it was deleted while the container runs. */
    private void makeFolder() throws IOException {
        Path folder = file.toAbsolutePath().getParent();
        if (folder != null && !Files.isDirectory(folder)) {
            Files.createDirectories(folder);
        }
    }

    private OutputStream open() throws IOException {
        makeFolder();
        return Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
    }

    @Override
    public synchronized void publish(LogRecord record) {
        if (closed || !isLoggable(record)) {
            return;
        }
        byte[] bytes;
        try {
            bytes = getFormatter().format(record).getBytes(StandardCharsets.UTF_8);
        } catch (RuntimeException e) {
            reportError(null, e, ErrorManager.FORMAT_FAILURE);
            return;
        }
        if (!lost && written > 0 && written + bytes.length > maxBytes) {
            rotate();
        }
        if (lost) {
            problems.write(bytes, 0, bytes.length); // the file is another handler's now
            return;
        }
        if (out == null) {
            try {
                out = open();
            } catch (IOException e) {
                problems.write(bytes, 0, bytes.length); // not lost: on the console instead
                return;
            }
        }
        try {
            out.write(bytes);
            out.flush();
            written += bytes.length;
        } catch (IOException e) {
            reportError(null, e, ErrorManager.WRITE_FAILURE);
            problems.write(bytes, 0, bytes.length); // not lost: on the console instead
            try {
                out.close();
            } catch (IOException ignored) {
                // the write failure is reported
            }
            out = null; // reopened for the next record
        }
    }

    /**
     * Closes the file, shifts the old files up by one (deleting the oldest) and renames the file to
     * {@code file.1}; reopens the file (new, or the same one when a step failed). Only the files
     * that exist are shifted, up to the first missing number, so a rotation costs what is there.
     * A file deleted meanwhile (its folder removed by a clean-up) is not rotated and not reported:
     * a new one starts.
     */
    private void rotate() {
        if (out != null) { // null after a failed write or reopen
            try {
                out.close();
            } catch (IOException e) {
                reportError(null, e, ErrorManager.CLOSE_FAILURE);
            }
            out = null;
        }
        if (!holdsTheLog()) {
            lost = true;
            problems.println("goflow.container: " + sibling(".lck") + " was deleted (with the log folder?) and is now"
                    + " locked by another log handler (a second container in this folder?), so " + file
                    + " is its log: this one's records go here instead");
            return;
        }
        if (!Files.exists(file)) {
            // deleted under the handler (with its folder, perhaps): nothing to rotate, and no failure
            // to report; a new file starts at the same path
            written = 0;
            reopen();
            return;
        }
        try {
            int free = 1;
            while (free < files && Files.exists(sibling("." + free))) {
                free++;
            }
            Files.deleteIfExists(sibling("." + free)); // only when free == files: the oldest
            for (int n = free - 1; n >= 1; n--) {
                Files.move(sibling("." + n), sibling("." + (n + 1)));
            }
            Files.move(file, sibling(".1"));
            written = 0;
        } catch (IOException | RuntimeException e) {
            written = 0; // try again after another maxBytes
            if (!reported) {
                reported = true;
                problems.println("goflow.container: cannot rotate " + file + " (" + e
                        + "); the log keeps writing to it, beyond goflow.log.maxBytes = " + maxBytes);
            }
        }
        reopen();
    }

    /** Opens the file again after a rotation; leaves {@code out} null when it cannot. */
    private void reopen() {
        try {
            out = open();
        } catch (IOException e) {
            out = null; // publish tries again, and writes to problems meanwhile
        }
    }

    @Override
    public synchronized void flush() {
        if (out != null) {
            try {
                out.flush();
            } catch (IOException e) {
                reportError(null, e, ErrorManager.FLUSH_FAILURE);
            }
        }
    }

    /** Closes the file and releases and deletes the lock file; later records are dropped. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (out != null) {
            try {
                out.close();
            } catch (IOException e) {
                reportError(null, e, ErrorManager.CLOSE_FAILURE);
            }
            out = null;
        }
        release();
    }

    private void release() {
        try {
            lock.release();
            lockChannel.close();
            if (!lost && locksItsFile()) {
                Files.deleteIfExists(sibling(".lck")); // only its own, not another handler's
            }
        } catch (IOException e) {
            reportError(null, e, ErrorManager.CLOSE_FAILURE);
        }
    }
}
