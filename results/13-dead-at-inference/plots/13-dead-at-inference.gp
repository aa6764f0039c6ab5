# actbench figure "Claim 13: A neuron dead during training is dead at inference too": 2 panels
#   panel 1: "dead units during training"
#   panel 2: "of the units dead on the training set, % also dead on every test sample"
# The data is inline; the script needs nothing else.
# re-render from the run folder: gnuplot plots/13-dead-at-inference.gp
# (writes plots/13-dead-at-inference.EXT for each EXT in fmt: png;
#  others: gnuplot -e "fmt='pdf svg'" plots/13-dead-at-inference.gp)

set encoding utf8
set datafile missing "NaN"

# data blocks, one per series: x y [ylo yhi]; a blank line is a gap
# panel 1, "relu, lr=0.3"
$d1 << EOD
0 12.6736111 11.71875 13.28125
5 7.55208333 5.98958333 9.11458333
10 13.3680556 6.77083333 23.9583333
15 13.0208333 6.77083333 21.09375
20 10.5034722 7.29166667 16.6666667
25 10.2430556 7.29166667 15.8854167
30 10.0694444 6.77083333 15.1041667
35 9.63541667 6.77083333 14.3229167
40 11.8055556 8.59375 13.8020833
EOD
# panel 1, "relu, lr=1"
$d2 << EOD
0 12.6736111 11.71875 13.28125
5 53.8194444 40.625 68.2291667
10 64.6701389 60.6770833 68.2291667
15 71.09375 68.2291667 73.4375
20 70.6597222 68.2291667 73.4375
25 70.5729167 68.2291667 73.4375
30 65.7118056 55.46875 73.4375
35 71.0069444 68.2291667 73.4375
40 71.0069444 68.2291667 73.4375
EOD
# panel 2, "relu"
$d3 << EOD
0.3 98.3609682 96.969697 100
1 99.5202844 99.270073 100
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
set output 'plots/13-dead-at-inference.'.ext
set multiplot layout 1,2 title "Claim 13: A neuron dead during training is dead at inference too" noenhanced font ",12"

# ---- panel 1: "dead units during training"
set title "dead units during training" noenhanced
set xlabel "epoch" noenhanced
set ylabel "dead units (%)" noenhanced
set grid
unset label
set bmargin 4.90
set xtics autofreq
set format x "%.0f"
unset logscale x
set autoscale x
set autoscale xfix
set offsets graph 0.03, graph 0.03, 0, 0
unset logscale y
set format y "% h"
set yrange [-3:103]
set offsets graph 0.03, graph 0.03, 0, 0
set key outside below center vertical maxrows 1 maxcols auto Left reverse box opaque noenhanced samplen 2.5 spacing 1.1 width 1
plot $d1 using 1:3:4 with filledcurves fs transparent solid 0.2 noborder lc rgb "#1f77b4" notitle, \
     $d2 using 1:3:4 with filledcurves fs transparent solid 0.2 noborder lc rgb "#ff7f0e" notitle, \
     $d1 using 1:2 with linespoints lc rgb "#1f77b4" lw 1.5 dt 1 pt 7 ps 0.8 title "relu, lr=0.3" noenhanced, \
     $d2 using 1:2 with linespoints lc rgb "#ff7f0e" lw 1.5 dt 1 pt 5 ps 0.8 title "relu, lr=1" noenhanced

# ---- panel 2: "of the units dead on the training set, % also dead on every test sample"
set title "of the units dead on the training set, % also dead on every test sample" noenhanced
set xlabel "learning rate" noenhanced
set ylabel "dead units also dead on test (%)" noenhanced
set grid
unset label
set bmargin 4.90
set format x "%g"
set xtics (0.3, 1)
set logscale x
set autoscale x
set autoscale xfix
set offsets graph 0.03, graph 0.03, 0, 0
unset logscale y
set format y "% h"
set yrange [-3:103]
set offsets graph 0.03, graph 0.03, 0, 0
set key outside below center vertical maxrows 1 maxcols auto Left reverse box opaque noenhanced samplen 2.5 spacing 1.1 width 1
plot $d3 using 1:3:4 with filledcurves fs transparent solid 0.2 noborder lc rgb "#1f77b4" notitle, \
     $d3 using 1:2 with linespoints lc rgb "#1f77b4" lw 1.5 dt 1 pt 7 ps 0.8 title "relu" noenhanced

unset multiplot
unset output
}
