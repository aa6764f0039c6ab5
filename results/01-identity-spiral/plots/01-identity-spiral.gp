# actbench figure "Claim 1: Without a non-linearity, depth adds nothing": 1 panel
#   panel 1: ""
# The data is inline; the script needs nothing else.
# re-render from the run folder: gnuplot plots/01-identity-spiral.gp
# (writes plots/01-identity-spiral.EXT for each EXT in fmt: png;
#  others: gnuplot -e "fmt='pdf svg'" plots/01-identity-spiral.gp)

set encoding utf8
set datafile missing "NaN"

# data blocks, one per series: x y [ylo yhi]; a blank line is a gap
# panel 1, "identity"
$d1 << EOD
1 0.485555556 0.483333333 0.486666667
3 0.486666667 0.47 0.503333333
6 0.497777778 0.483333333 0.52
EOD
# panel 1, "relu"
$d2 << EOD
1 0.972222222 0.97 0.973333333
3 0.99 0.986666667 0.993333333
6 0.986666667 0.98 0.99
EOD
# panel 1, "tanh"
$d3 << EOD
1 0.977777778 0.97 0.983333333
3 0.987777778 0.983333333 0.993333333
6 0.99 0.983333333 0.996666667
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
set output 'plots/01-identity-spiral.'.ext
set multiplot layout 1,1 title "Claim 1: Without a non-linearity, depth adds nothing" noenhanced font ",12"

# ---- panel 1: ""
set title "" noenhanced
set xlabel "depth (hidden layers)" noenhanced
set ylabel "test accuracy" noenhanced
set grid
unset label
set bmargin 4.90
set xtics 1
set format x "%.0f"
unset logscale x
set autoscale x
set autoscale xfix
set offsets graph 0.03, graph 0.03, 0, 0
unset logscale y
set format y "% h"
set autoscale y
set offsets graph 0.03, graph 0.03, graph 0.04, graph 0.04
set key outside below center vertical maxrows 1 maxcols auto Left reverse box opaque noenhanced samplen 2.5 spacing 1.1 width 1
plot $d1 using 1:3:4 with filledcurves fs transparent solid 0.2 noborder lc rgb "#1f77b4" notitle, \
     $d2 using 1:3:4 with filledcurves fs transparent solid 0.2 noborder lc rgb "#ff7f0e" notitle, \
     $d3 using 1:3:4 with filledcurves fs transparent solid 0.2 noborder lc rgb "#2ca02c" notitle, \
     $d1 using 1:2 with linespoints lc rgb "#1f77b4" lw 1.5 dt 1 pt 7 ps 0.8 title "identity" noenhanced, \
     $d2 using 1:2 with linespoints lc rgb "#ff7f0e" lw 1.5 dt 1 pt 5 ps 0.8 title "relu" noenhanced, \
     $d3 using 1:2 with linespoints lc rgb "#2ca02c" lw 1.5 dt 1 pt 9 ps 0.8 title "tanh" noenhanced

unset multiplot
unset output
}
