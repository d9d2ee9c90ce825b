package cli

import (
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/securegen/securegen/generator/spec"
)

func newPresetsCmd(sys *IO) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "presets",
		Short: "List the presets, or show one",
		Args:  cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			w := tabwriter.NewWriter(sys.Out, 0, 4, 2, ' ', 0)
			for _, name := range spec.AvailablePresets() {
				p, err := spec.LoadPreset(name)
				if err != nil {
					return err
				}
				first, _, _ := strings.Cut(p.Description, ":") // "Title: details"
				first, _, _ = strings.Cut(first, "\n")
				fmt.Fprintf(w, "%s\t%s\n", p.Name, first)
			}
			return w.Flush()
		},
	}
	show := &cobra.Command{
		Use:   "show NAME",
		Short: "Show the answers a preset sets",
		Args:  cobra.ExactArgs(1),
		ValidArgsFunction: func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
			return spec.AvailablePresets(), cobra.ShellCompDirectiveNoFileComp
		},
		RunE: func(_ *cobra.Command, args []string) error {
			p, err := spec.LoadPreset(args[0])
			if err != nil {
				return err
			}
			_, err = sys.Out.Write(p.Source)
			return err
		},
	}
	cmd.AddCommand(show)
	return cmd
}
