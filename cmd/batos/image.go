package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"batos/image"
)

const imageCommands = "info, check, snapshot, restore, gc, export, import, upgrade"

// imageCmd implements `batos image info|check|snapshot|restore|gc|export|import`.
func (c *cli) imageCmd(args []string) error {
	if len(args) == 0 {
		return usagef("which command? (%s)", imageCommands)
	}
	sub, args := args[0], args[1:]
	fs := c.newFlags("image " + sub)
	c.vmFlags(fs)
	var into string
	var force, dryRun, forceProgress bool
	nargs := 0 // the positional arguments sub takes
	switch sub {
	case "info":
	case "check":
		fs.BoolVar(&forceProgress, "progress", false, "report progress on stderr, a line per tenth, even when it is not a terminal")
	case "snapshot", "export":
		nargs = 1
		fs.BoolVar(&force, "force", false, "replace an existing file")
	case "import":
		nargs = 1
	case "restore":
		nargs = 1
		fs.StringVar(&into, "into", "", "the directory to restore into (default: the image)")
		fs.BoolVar(&force, "force", false, "replace an existing image")
	case "gc":
		fs.BoolVar(&dryRun, "dry-run", false, "only count the unreachable records")
	case "upgrade":
	default:
		c.cmd = "image"
		return usagef("unknown command %q (%s)", sub, imageCommands)
	}
	pos, err := c.parseMixed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > nargs {
		return usagef("unexpected argument %q", pos[nargs])
	}
	if len(pos) < nargs {
		return usagef("no file given")
	}
	progress := image.NewProgress(c.stderr) // on a terminal only
	if forceProgress {
		progress = image.NewProgressLines(c.stderr)
	}
	switch sub {
	case "upgrade":
		if _, err := os.Stat(c.imageDir); err != nil {
			return fmt.Errorf("image %s: %w", c.imageDir, err)
		}
		c.upgradeQuiet = true
		_, closer, err := c.boot(nil)
		if err != nil {
			return err
		}
		closer()
		fmt.Fprintf(c.stdout, "image %s: %s\n", c.imageDir, c.upgraded)
		return nil
	case "restore":
		if into == "" {
			into = c.imageDir
		}
		m, err := image.Restore(pos[0], into, image.RestoreOptions{Force: force, Progress: progress})
		if err != nil {
			return err
		}
		fmt.Fprintf(c.stdout, "restored %s into %s: %d objects, %d maps (snapshot of %s)\n",
			pos[0], into, m.Objects, m.Maps, m.Created.Local().Format(time.RFC3339))
		return nil
	case "import":
		h, err := image.ImportFile(pos[0], c.imageDir, image.ImportOptions{Progress: progress})
		if err != nil {
			return err
		}
		fmt.Fprintf(c.stdout, "imported %d objects and %d maps from %s into %s\n", h.Objects, h.Maps, pos[0], c.imageDir)
		return nil
	}

	if _, err := os.Stat(c.imageDir); err != nil {
		return fmt.Errorf("image %s: %w", c.imageDir, err)
	}
	if err := checkImageDir(c.imageDir); err != nil {
		return err
	}
	if (sub == "snapshot" || sub == "export") && !force {
		if err := refuseOverwrite(pos[0]); err != nil {
			return err
		}
	}
	img, err := image.Open(image.Options{Dir: c.imageDir})
	if err != nil {
		if sub == "snapshot" && strings.Contains(err.Error(), "in use") {
			return fmt.Errorf("%v (to snapshot a running image, type :snapshot FILE in its REPL)", err)
		}
		return err
	}
	defer img.Close()
	switch sub {
	case "info":
		return c.imageInfo(img)
	case "check":
		return c.imageCheck(img, progress)
	case "snapshot":
		m, err := img.SnapshotFile(pos[0], image.SnapshotOptions{Batos: versionString(), Progress: progress})
		if err != nil {
			return err
		}
		c.snapshotDone(pos[0], m)
		return nil
	case "export":
		h, err := img.ExportFile(pos[0], image.ExportOptions{Batos: versionString(), Progress: progress})
		if err != nil {
			return err
		}
		fmt.Fprintf(c.stdout, "exported %d objects and %d maps to %s\n", h.Objects, h.Maps, pos[0])
		return nil
	default: // gc
		st, err := img.GC(dryRun, progress)
		if err != nil {
			return err
		}
		if dryRun {
			fmt.Fprintf(c.stdout, "image %s: %d of %d objects and %d of %d maps are unreachable (%d bytes); dry run: nothing removed\n",
				c.imageDir, st.DeadObjects, st.Objects, st.DeadMaps, st.Maps, st.DeadBytes)
		} else {
			fmt.Fprintf(c.stdout, "image %s: removed %d unreachable objects and %d maps (%d bytes); %d objects and %d maps remain\n",
				c.imageDir, st.DeadObjects, st.DeadMaps, st.DeadBytes, st.Objects-st.DeadObjects, st.Maps-st.DeadMaps)
		}
		if st.DeadBlobs+st.DeadChunks > 0 {
			verb := "removed"
			if dryRun {
				verb = "unreferenced"
			}
			fmt.Fprintf(c.stdout, "blobs: %d %s, with %d chunk(s)\n", st.DeadBlobs, verb, st.DeadChunks)
		}
		return nil
	}
}

// refuseOverwrite fails if file exists: snapshot and export replace a
// file only with --force.
func refuseOverwrite(file string) error {
	if _, err := os.Lstat(file); err == nil {
		return fmt.Errorf("%s exists: choose another name, or add --force to replace it", file)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return nil
}

// checkImageDir refuses a directory that holds files but no image, so
// that an image is never written among a user's own files. A missing or
// empty directory is fine: the image is created there.
func checkImageDir(dir string) error {
	entries, err := os.ReadDir(dir)
	if err != nil || len(entries) == 0 {
		return nil // missing (created), or not a directory (image.Open says so)
	}
	for _, e := range entries {
		n := e.Name()
		if n == "CURRENT" || strings.HasPrefix(n, "MANIFEST-") || strings.HasPrefix(n, "marker.manifest.") {
			return nil
		}
	}
	return fmt.Errorf("image %s: the directory is not empty and holds no image (%s, ...): name a new or empty directory with --image", dir, entries[0].Name())
}

func (c *cli) snapshotDone(file string, m image.Manifest) {
	fmt.Fprintf(c.stdout, "snapshot %s: %d objects, %d maps, %d bytes\n", file, m.Objects, m.Maps, m.Bytes)
}

func (c *cli) imageInfo(img *image.Image) error {
	st, err := img.Stats()
	if err != nil {
		return err
	}
	fmt.Fprintf(c.stdout, "image:          %s\n", c.imageDir)
	fmt.Fprintf(c.stdout, "format version: %d\n", st.Format)
	fmt.Fprintf(c.stdout, "objects:        %d\n", st.Objects)
	fmt.Fprintf(c.stdout, "maps:           %d\n", st.Maps)
	fmt.Fprintf(c.stdout, "size:           %d bytes of records\n", st.Bytes)
	if n, files, err := diskUsage(c.imageDir); err == nil {
		fmt.Fprintf(c.stdout, "on disk:        %d bytes (%s) in %d files\n", n, humanBytes(n), files)
	}
	fmt.Fprintf(c.stdout, "commits:        %d\n", st.Commits)
	if !st.Last.IsZero() {
		fmt.Fprintf(c.stdout, "last commit:    %s\n", st.Last.UTC().Format(time.RFC3339))
	}
	return nil
}

// diskUsage sums the sizes of the regular files under dir.
func diskUsage(dir string) (bytes int64, files int, err error) {
	err = filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Type().IsRegular() {
			fi, err := d.Info()
			if err != nil {
				return err
			}
			bytes += fi.Size()
			files++
		}
		return nil
	})
	return bytes, files, err
}

// humanBytes renders n bytes in KiB, MiB... with one decimal.
func humanBytes(n int64) string {
	if n < 1024 {
		return fmt.Sprintf("%d bytes", n)
	}
	f, unit := float64(n)/1024, 0
	for f >= 1024 && unit < 4 {
		f /= 1024
		unit++
	}
	return fmt.Sprintf("%.1f %ciB", f, "KMGTP"[unit])
}

func (c *cli) imageCheck(img *image.Image, progress *image.Progress) error {
	problems := img.CheckProgress(progress)
	for _, p := range problems {
		c.stderrf("%s", p)
	}
	if len(problems) > 0 {
		c.stderrf("image %s: %d problem(s)", c.imageDir, len(problems))
		return exitError(exitRuntime)
	}
	fmt.Fprintf(c.stdout, "image %s: ok\n", c.imageDir)
	return nil
}

// snapshotCommand is the REPL's :snapshot FILE: a snapshot of the image
// the REPL is running on, taken between two statements.
func (c *cli) snapshotCommand(args string) error {
	if c.img == nil {
		return errors.New("there is no image to snapshot: this world is in memory (--memory)")
	}
	if args == "" {
		return errors.New("usage: :snapshot FILE")
	}
	if err := refuseOverwrite(args); err != nil {
		return err
	}
	m, err := c.img.SnapshotFile(args, image.SnapshotOptions{Batos: versionString(), Progress: image.NewProgress(c.stderr)})
	if err != nil {
		return err
	}
	c.snapshotDone(args, m)
	return nil
}
