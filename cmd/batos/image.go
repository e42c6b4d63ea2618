package main

import (
	"fmt"
	"os"
	"time"

	"batos/image"
)

// imageCmd implements `batos image info|check`.
func (c *cli) imageCmd(args []string) error {
	if len(args) == 0 {
		return usagef("image: which command? (info, check)")
	}
	sub, args := args[0], args[1:]
	fs := c.newFlags("image " + sub)
	c.vmFlags(fs)
	if err := c.parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("image %s: unexpected argument %q", sub, fs.Arg(0))
	}
	switch sub {
	case "info", "check":
	default:
		return usagef("image: unknown command %q (info, check)", sub)
	}
	if _, err := os.Stat(c.imageDir); err != nil {
		return fmt.Errorf("image %s: %w", c.imageDir, err)
	}
	img, err := image.Open(image.Options{Dir: c.imageDir})
	if err != nil {
		return err
	}
	defer img.Close()
	switch sub {
	case "info":
		st, err := img.Stats()
		if err != nil {
			return err
		}
		fmt.Fprintf(c.stdout, "image:          %s\n", c.imageDir)
		fmt.Fprintf(c.stdout, "format version: %d\n", st.Format)
		fmt.Fprintf(c.stdout, "objects:        %d\n", st.Objects)
		fmt.Fprintf(c.stdout, "maps:           %d\n", st.Maps)
		fmt.Fprintf(c.stdout, "size:           %d bytes of records\n", st.Bytes)
		fmt.Fprintf(c.stdout, "commits:        %d\n", st.Commits)
		if !st.Last.IsZero() {
			fmt.Fprintf(c.stdout, "last commit:    %s\n", st.Last.UTC().Format(time.RFC3339))
		}
		return nil
	default:
		problems := img.Check()
		for _, p := range problems {
			fmt.Fprintln(c.stderr, p)
		}
		if len(problems) > 0 {
			fmt.Fprintf(c.stderr, "image %s: %d problem(s)\n", c.imageDir, len(problems))
			return exitError(exitRuntime)
		}
		fmt.Fprintf(c.stdout, "image %s: ok\n", c.imageDir)
		return nil
	}
}
