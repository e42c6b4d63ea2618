package image_test
import ("testing";"path/filepath";"bytes";"os";"batos/image")
func TestTmpDiff(t *testing.T) {
	tmp := t.TempDir()
	dir := filepath.Join(tmp, "img")
	img, th := open(t, dir, 0)
	toolsSetup(t, th)
	file := filepath.Join(tmp, "world.export")
	img.ExportFile(file, image.ExportOptions{Batos: "test"})
	var a bytes.Buffer
	img.Export(&a, image.ExportOptions{Batos: "test"})
	img.Close()
	first, _ := os.ReadFile(file)
	x, y := exportBody(t, first), exportBody(t, a.Bytes())
	t.Logf("%d %d %d %d %v", len(first), len(a.Bytes()), len(x), len(y), bytes.Equal(x,y))
}
