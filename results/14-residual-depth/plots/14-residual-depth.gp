# actbench figure "Claim 14: Extra depth can hurt; residual connections fix it": 1 panel
#   panel 1: "test accuracy after training"
# The data is inline; the script needs nothing else.
# re-render from the run folder: gnuplot plots/14-residual-depth.gp
# (writes plots/14-residual-depth.EXT for each EXT in fmt: png;
#  others: gnuplot -e "fmt='pdf svg'" plots/14-residual-depth.gp)

set encoding utf8
set datafile missing "NaN"

# data blocks, one per series: x y [ylo yhi]; a blank line is a gap
# panel 1, "tanh, residual=no"
$d1 << EOD
2 0.994444444 0.993333333 0.996666667
8 0.987777778 0.98 0.993333333
20 0.908888889 0.87 0.956666667
EOD
# panel 1, "sigmoid, residual=no"
$d2 << EOD
2 0.538888889 0.513333333 0.586666667
8 0.313333333 0.313333333 0.313333333
20 0.313333333 0.313333333 0.313333333
EOD
# panel 1, "tanh, residual=yes"
$d3 << EOD
2 0.995555556 0.993333333 0.996666667
8 0.986666667 0.98 0.99
20 0.987777778 0.98 0.996666667
EOD
# panel 1, "sigmoid, residual=yes"
$d4 << EOD
2 0.545555556 0.496666667 0.636666667
8 0.538888889 0.503333333 0.573333333
20 0.528888889 0.476666667 0.56
EOD

if (!exists("fmt")) fmt = "png"
if (words(fmt) == 0) {
    print "fmt: empty (give png, pdf or svg)"
    exit status 1
}
do for [ext in fmt] {
if (ext eq "png") {
    set terminal pngcairo size 640,520 enhanced font "sans,10"
} else { if (ext eq "pdf") {
    set terminal pdfcairo size 6.67in,5.42in enhanced font "sans,10" fontscale 0.75 linewidth 2
} else { if (ext eq "svg") {
    set terminal svg size 640,520 dynamic enhanced font "sans,10"
} else {
    print "fmt: '".ext."' is not png, pdf or svg"
    exit status 1
}}}
set output 'plots/14-residual-depth.'.ext
set multiplot layout 1,1 title "Claim 14: Extra depth can hurt; residual connections fix it" noenhanced font ",12"

# ---- panel 1: "test accuracy after training"
set title "test accuracy after training" noenhanced
set xlabel "depth (hidden layers)" noenhanced
set ylabel "test accuracy" noenhanced
set grid
unset label
set bmargin 6.00
set xtics 2
set format x "%.0f"
unset logscale x
set autoscale x
set autoscale xfix
set offsets graph 0.03, graph 0.03, 0, 0
unset logscale y
set format y "% h"
set autoscale y
set offsets graph 0.03, graph 0.03, graph 0.04, graph 0.04
set key outside below center vertical maxrows 2 maxcols auto Left reverse box opaque noenhanced samplen 2.5 spacing 1.1 width 1
plot $d1 using 1:3:4 with filledcurves fs transparent solid 0.2 noborder lc rgb "#1f77b4" notitle, \
     $d2 using 1:3:4 with filledcurves fs transparent solid 0.2 noborder lc rgb "#ff7f0e" notitle, \
     $d3 using 1:3:4 with filledcurves fs transparent solid 0.2 noborder lc rgb "#2ca02c" notitle, \
     $d4 using 1:3:4 with filledcurves fs transparent solid 0.2 noborder lc rgb "#d62728" notitle, \
     $d1 using 1:2 with linespoints lc rgb "#1f77b4" lw 1.5 dt 1 pt 7 ps 0.8 title "tanh, residual=no" noenhanced, \
     $d2 using 1:2 with linespoints lc rgb "#ff7f0e" lw 1.5 dt 1 pt 5 ps 0.8 title "sigmoid, residual=no" noenhanced, \
     $d3 using 1:2 with linespoints lc rgb "#2ca02c" lw 1.5 dt 1 pt 9 ps 0.8 title "tanh, residual=yes" noenhanced, \
     $d4 using 1:2 with linespoints lc rgb "#d62728" lw 1.5 dt 1 pt 11 ps 0.8 title "sigmoid, residual=yes" noenhanced

unset multiplot
unset output
}
