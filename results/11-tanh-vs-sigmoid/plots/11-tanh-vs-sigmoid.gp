# actbench figure "Claim 11: Tanh is strictly better than sigmoid as a hidden activation": 2 panels
#   panel 1: "test accuracy after training"
#   panel 2: "per-layer gradient factor at initialisation"
# The data is inline; the script needs nothing else.
# re-render from the run folder: gnuplot plots/11-tanh-vs-sigmoid.gp
# (writes plots/11-tanh-vs-sigmoid.EXT for each EXT in fmt: png;
#  others: gnuplot -e "fmt='pdf svg'" plots/11-tanh-vs-sigmoid.gp)

set encoding utf8
set datafile missing "NaN"

# data blocks, one per series: x y [ylo yhi]; a blank line is a gap
# panel 1, "sigmoid, lr=0.03"
$d1 << EOD
2 0.5 0.486666667 0.52
4 0.313333333 0.313333333 0.313333333
6 0.313333333 0.313333333 0.313333333
EOD
# panel 1, "tanh, lr=0.03"
$d2 << EOD
2 0.941111111 0.933333333 0.946666667
4 0.992222222 0.99 0.993333333
6 0.986666667 0.983333333 0.99
EOD
# panel 1, "sigmoid, lr=0.1"
$d3 << EOD
2 0.538888889 0.513333333 0.586666667
4 0.313333333 0.313333333 0.313333333
6 0.313333333 0.313333333 0.313333333
EOD
# panel 1, "tanh, lr=0.1"
$d4 << EOD
2 0.994444444 0.993333333 0.996666667
4 0.986666667 0.98 0.99
6 0.99 0.983333333 0.996666667
EOD
# panel 1, "sigmoid, lr=0.3"
$d5 << EOD
2 0.89 0.883333333 0.896666667
4 0.411111111 0.313333333 0.473333333
6 0.313333333 0.313333333 0.313333333
EOD
# panel 1, "tanh, lr=0.3"
$d6 << EOD
2 0.984444444 0.976666667 0.99
4 0.984444444 0.976666667 0.99
6 0.986666667 0.98 0.996666667
EOD
# panel 2, "sigmoid"
$d7 << EOD
2 0.253891634 0.215049087 0.278226475
4 0.230523767 0.226372332 0.23797671
6 0.233226157 0.230077069 0.237652382
EOD
# panel 2, "tanh"
$d8 << EOD
2 1.22032242 1.08243176 1.30618615
4 1.12965119 1.08191983 1.17366153
6 1.02358996 0.980695479 1.06530574
EOD

if (!exists("fmt")) fmt = "png"
if (words(fmt) == 0) {
    print "fmt: empty (give png, pdf or svg)"
    exit status 1
}
do for [ext in fmt] {
if (ext eq "png") {
    set terminal pngcairo size 1280,520 enhanced font "sans,10"
} else { if (ext eq "pdf") {
    set terminal pdfcairo size 13.33in,5.42in enhanced font "sans,10" fontscale 0.75 linewidth 2
} else { if (ext eq "svg") {
    set terminal svg size 1280,520 dynamic enhanced font "sans,10"
} else {
    print "fmt: '".ext."' is not png, pdf or svg"
    exit status 1
}}}
set output 'plots/11-tanh-vs-sigmoid.'.ext
set multiplot layout 1,2 title "Claim 11: Tanh is strictly better than sigmoid as a hidden activation" noenhanced font ",12"

# ---- panel 1: "test accuracy after training"
set title "test accuracy after training" noenhanced
set xlabel "depth (hidden layers)" noenhanced
set ylabel "test accuracy" noenhanced
set grid
unset label
set bmargin 6.00
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
set key outside below center vertical maxrows 2 maxcols auto Left reverse box opaque noenhanced samplen 2.5 spacing 1.1 width 1
plot $d1 using 1:3:4 with filledcurves fs transparent solid 0.2 noborder lc rgb "#1f77b4" notitle, \
     $d2 using 1:3:4 with filledcurves fs transparent solid 0.2 noborder lc rgb "#ff7f0e" notitle, \
     $d3 using 1:3:4 with filledcurves fs transparent solid 0.2 noborder lc rgb "#2ca02c" notitle, \
     $d4 using 1:3:4 with filledcurves fs transparent solid 0.2 noborder lc rgb "#d62728" notitle, \
     $d5 using 1:3:4 with filledcurves fs transparent solid 0.2 noborder lc rgb "#9467bd" notitle, \
     $d6 using 1:3:4 with filledcurves fs transparent solid 0.2 noborder lc rgb "#8c564b" notitle, \
     $d1 using 1:2 with linespoints lc rgb "#1f77b4" lw 1.5 dt 1 pt 7 ps 0.8 title "sigmoid, lr=0.03" noenhanced, \
     $d2 using 1:2 with linespoints lc rgb "#ff7f0e" lw 1.5 dt 1 pt 5 ps 0.8 title "tanh, lr=0.03" noenhanced, \
     $d3 using 1:2 with linespoints lc rgb "#2ca02c" lw 1.5 dt 1 pt 9 ps 0.8 title "sigmoid, lr=0.1" noenhanced, \
     $d4 using 1:2 with linespoints lc rgb "#d62728" lw 1.5 dt 1 pt 11 ps 0.8 title "tanh, lr=0.1" noenhanced, \
     $d5 using 1:2 with linespoints lc rgb "#9467bd" lw 1.5 dt 1 pt 13 ps 0.8 title "sigmoid, lr=0.3" noenhanced, \
     $d6 using 1:2 with linespoints lc rgb "#8c564b" lw 1.5 dt 1 pt 15 ps 0.8 title "tanh, lr=0.3" noenhanced

# ---- panel 2: "per-layer gradient factor at initialisation"
set title "per-layer gradient factor at initialisation" noenhanced
set xlabel "depth (hidden layers)" noenhanced
set ylabel "per-layer gradient factor" noenhanced
set grid
unset label
set bmargin 6.00
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
plot $d7 using 1:3:4 with filledcurves fs transparent solid 0.2 noborder lc rgb "#1f77b4" notitle, \
     $d8 using 1:3:4 with filledcurves fs transparent solid 0.2 noborder lc rgb "#ff7f0e" notitle, \
     $d7 using 1:2 with linespoints lc rgb "#1f77b4" lw 1.5 dt 1 pt 7 ps 0.8 title "sigmoid" noenhanced, \
     $d8 using 1:2 with linespoints lc rgb "#ff7f0e" lw 1.5 dt 1 pt 5 ps 0.8 title "tanh" noenhanced

unset multiplot
unset output
}
