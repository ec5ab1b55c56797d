#pragma once
// The one way the project draws plots: write whitespace-separated data files and a gnuplot script
// into a folder, then run gnuplot on the script. gnuplot runs in the script's folder, so the
// script names its data files and its `set output` PNG relative to that folder.
//
//   write_data_file(dir + "/points.dat", {"latency_ms", "accuracy"}, rows);
//   write_text_file(dir + "/plot.gp", png_terminal(800, 600) + "set output 'plot.png'\n"
//                   "plot 'points.dat' using 1:2 with points\n");
//   run_gnuplot(dir + "/plot.gp");   // -> dir/plot.png
#include <string>
#include <string_view>
#include <vector>

#include "core/paths.h"  // write_text_file

namespace hwnas {

// `set terminal ...` line (with newline) for a PNG of the given size: pngcairo when this gnuplot has
// it, else the libgd png terminal. Text is not "enhanced" so device names with '_' print as is.
std::string png_terminal(int width, int height);

// A gnuplot single-quoted string literal of `text` (titles, file names).
std::string gnuplot_quote(std::string_view text);

// One row per line, values separated by a space, shortest round-trip form; NaN is written as "NaN"
// (gnuplot skips it). The column names go into a leading "# " comment line. Rows may differ in
// length (gnuplot blocks are separated by empty rows). DataError naming the file on failure.
void write_data_file(const std::string& path, const std::vector<std::string>& column_names,
                     const std::vector<std::vector<double>>& rows);

// Runs gnuplot on `script_path` (in the script's folder) and waits for it. DataError when gnuplot is
// not installed (naming the Debian package) or exits non-zero (with its stderr). The program is
// $HWNAS_GNUPLOT when set, else `gnuplot` found on PATH.
void run_gnuplot(const std::string& script_path);

// True when a gnuplot program can be found (callers may skip plots with a warning).
bool gnuplot_available();

}  // namespace hwnas
