# actbench figure "Claim 8: ReLU units die at high learning rates, and never recover": 2 panels
#   panel 1: "dead units at the end of training"
#   panel 2: "dead units during training"
# The data is inline; the script needs nothing else.
# re-render from the run folder: gnuplot plots/08-dying-relu.gp
# (writes plots/08-dying-relu.EXT for each EXT in fmt: png;
#  others: gnuplot -e "fmt='pdf svg'" plots/08-dying-relu.gp)

set encoding utf8
set datafile missing "NaN"

# data blocks, one per series: x y [ylo yhi]; a blank line is a gap
# panel 1, "relu"
$d1 << EOD
0.01 12.1527778 10.9375 12.7604167
0.03 10.4166667 8.33333333 12.2395833
0.1 6.33680556 5.46875 7.03125
0.3 11.8055556 8.59375 13.8020833
1 71.0069444 68.2291667 73.4375
EOD
# panel 2, "relu, lr=0.01"
$d2 << EOD
0 12.6736111 11.71875 13.28125
5 10.6770833 8.33333333 11.9791667
10 11.4583333 10.6770833 11.9791667
15 11.9791667 11.71875 12.2395833
20 12.4131944 11.1979167 13.5416667
25 12.5868056 10.9375 13.5416667
30 12.8472222 11.4583333 13.5416667
35 12.6736111 11.4583333 13.28125
40 12.1527778 10.9375 12.7604167
EOD
# panel 2, "relu, lr=0.03"
$d3 << EOD
0 12.6736111 11.71875 13.28125
5 12.0659722 10.9375 13.0208333
10 12.7604167 11.71875 13.5416667
15 11.6319444 9.89583333 12.5
20 11.6319444 9.375 12.7604167
25 10.8506944 8.85416667 12.5
30 10.8506944 8.85416667 12.7604167
35 10.9375 8.85416667 12.2395833
40 10.4166667 8.33333333 12.2395833
EOD
# panel 2, "relu, lr=0.1"
$d4 << EOD
0 12.6736111 11.71875 13.28125
5 8.15972222 6.51041667 10.4166667
10 8.07291667 7.29166667 9.11458333
15 6.94444444 4.94791667 8.85416667
20 6.68402778 5.20833333 7.8125
25 6.59722222 4.42708333 8.33333333
30 6.16319444 4.6875 7.29166667
35 5.90277778 4.16666667 7.03125
40 6.33680556 5.46875 7.03125
EOD
# panel 2, "relu, lr=0.3"
$d5 << EOD
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
# panel 2, "relu, lr=1"
$d6 << EOD
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
set output 'plots/08-dying-relu.'.ext
set multiplot layout 1,2 title "Claim 8: ReLU units die at high learning rates, and never recover" noenhanced font ",12"

# ---- panel 1: "dead units at the end of training"
set title "dead units at the end of training" noenhanced
set xlabel "learning rate" noenhanced
set ylabel "dead units (%)" noenhanced
set grid
unset label
set bmargin 6.00
set format x "%g"
set xtics (0.01, 0.03, 0.1, 0.3, 1)
set logscale x
set autoscale x
set autoscale xfix
set offsets graph 0.03, graph 0.03, 0, 0
unset logscale y
set format y "% h"
set yrange [-3:103]
set offsets graph 0.03, graph 0.03, 0, 0
set key outside below center vertical maxrows 1 maxcols auto Left reverse box opaque noenhanced samplen 2.5 spacing 1.1 width 1
plot $d1 using 1:3:4 with filledcurves fs transparent solid 0.2 noborder lc rgb "#1f77b4" notitle, \
     $d1 using 1:2 with linespoints lc rgb "#1f77b4" lw 1.5 dt 1 pt 7 ps 0.8 title "relu" noenhanced

# ---- panel 2: "dead units during training"
set title "dead units during training" noenhanced
set xlabel "epoch" noenhanced
set ylabel "dead units (%)" noenhanced
set grid
unset label
set bmargin 6.00
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
set key outside below center vertical maxrows 2 maxcols auto Left reverse box opaque noenhanced samplen 2.5 spacing 1.1 width 1
plot $d2 using 1:3:4 with filledcurves fs transparent solid 0.2 noborder lc rgb "#1f77b4" notitle, \
     $d3 using 1:3:4 with filledcurves fs transparent solid 0.2 noborder lc rgb "#ff7f0e" notitle, \
     $d4 using 1:3:4 with filledcurves fs transparent solid 0.2 noborder lc rgb "#2ca02c" notitle, \
     $d5 using 1:3:4 with filledcurves fs transparent solid 0.2 noborder lc rgb "#d62728" notitle, \
     $d6 using 1:3:4 with filledcurves fs transparent solid 0.2 noborder lc rgb "#9467bd" notitle, \
     $d2 using 1:2 with linespoints lc rgb "#1f77b4" lw 1.5 dt 1 pt 7 ps 0.8 title "relu, lr=0.01" noenhanced, \
     $d3 using 1:2 with linespoints lc rgb "#ff7f0e" lw 1.5 dt 1 pt 5 ps 0.8 title "relu, lr=0.03" noenhanced, \
     $d4 using 1:2 with linespoints lc rgb "#2ca02c" lw 1.5 dt 1 pt 9 ps 0.8 title "relu, lr=0.1" noenhanced, \
     $d5 using 1:2 with linespoints lc rgb "#d62728" lw 1.5 dt 1 pt 11 ps 0.8 title "relu, lr=0.3" noenhanced, \
     $d6 using 1:2 with linespoints lc rgb "#9467bd" lw 1.5 dt 1 pt 13 ps 0.8 title "relu, lr=1" noenhanced

unset multiplot
unset output
}
