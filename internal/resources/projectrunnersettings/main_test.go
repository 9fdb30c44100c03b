package projectrunnersettings_test

import (
	"testing"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/acctest"
)

func TestMain(m *testing.M) { acctest.Main(m) }
